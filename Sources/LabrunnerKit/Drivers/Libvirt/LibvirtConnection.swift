import CLibvirt
import Foundation
import Scenarios

/// libvirt through its C API — the only file that imports it. Calls run on the connection's own
/// thread; errors come back as `LibvirtError` values.
final class LibvirtConnection: Hypervisor, @unchecked Sendable {
    let uri: String
    private let thread: DedicatedThread
    private var connection: virConnectPtr?

    private static let silenced: Void = { lr_virt_silence() }()

    /// Opens `uri` (qemu:///system, qemu+ssh://host/system, test:///default).
    static func open(_ uri: String) async throws -> LibvirtConnection {
        _ = silenced
        let client = LibvirtConnection(uri: uri)
        try await client.thread.run { [client] in
            guard let connection = virConnectOpen(uri) else { throw client.error("connect") }
            client.connection = connection
        }
        return client
    }

    private init(uri: String) {
        self.uri = uri
        self.thread = DedicatedThread(name: "libvirt \(uri)")
    }

    deinit {
        if let connection { virConnectClose(connection) }
        thread.stop()
    }

    func define(xml: String) async throws -> String {
        try await thread.run { [self] in
            guard let domain = virDomainDefineXML(connection, xml) else { throw error("define") }
            defer { virDomainFree(domain) }
            return String(cString: virDomainGetName(domain))
        }
    }

    func start(_ name: String) async throws {
        try await withDomain(name, "start") { if virDomainCreate($0) != 0 { throw self.error("start \(name)") } }
    }

    func destroy(_ name: String) async throws {
        try await withDomain(name, "destroy") { if virDomainDestroy($0) != 0 { throw self.error("destroy \(name)") } }
    }

    func undefine(_ name: String) async throws {
        try await withDomain(name, "undefine") { if virDomainUndefine($0) != 0 { throw self.error("undefine \(name)") } }
    }

    func state(_ name: String) async throws -> String {
        try await withDomain(name, "state") { domain in
            var state: Int32 = 0, reason: Int32 = 0
            guard virDomainGetState(domain, &state, &reason, 0) == 0 else { throw self.error("state of \(name)") }
            switch UInt32(state) {
            case VIR_DOMAIN_RUNNING.rawValue: return "running"
            case VIR_DOMAIN_PAUSED.rawValue: return "paused"
            case VIR_DOMAIN_SHUTOFF.rawValue: return "shut off"
            case VIR_DOMAIN_SHUTDOWN.rawValue: return "shutting down"
            case VIR_DOMAIN_CRASHED.rawValue: return "crashed"
            case VIR_DOMAIN_BLOCKED.rawValue: return "blocked"
            default: return "unknown"
            }
        }
    }

    func xml(_ name: String) async throws -> String {
        try await withDomain(name, "dumpxml") { domain in
            guard let text = virDomainGetXMLDesc(domain, 0) else { throw self.error("dumpxml \(name)") }
            defer { free(text) }
            return String(cString: text)
        }
    }

    func monitor(_ name: String, command: String, hmp: Bool) async throws -> String {
        try await withDomain(name, "monitor") { domain in
            var result: UnsafeMutablePointer<CChar>?
            let flags = hmp ? UInt32(VIR_DOMAIN_QEMU_MONITOR_COMMAND_HMP.rawValue) : 0
            guard virDomainQemuMonitorCommand(domain, command, &result, flags) == 0, let result else {
                throw self.error("monitor command on \(name)")
            }
            defer { free(result) }
            return String(cString: result)
        }
    }

    func migrate(_ name: String, to destination: String, via migrationURI: String?, destinationXML: String?, live: Bool) async throws -> String {
        try await withDomain(name, "migrate") { domain in
            var flags = UInt32(VIR_MIGRATE_PEER2PEER.rawValue)
            if live { flags |= UInt32(VIR_MIGRATE_LIVE.rawValue) }
            var params: virTypedParameterPtr?
            var count: Int32 = 0, capacity: Int32 = 0
            defer { virTypedParamsFree(params, count) }
            if let migrationURI, virTypedParamsAddString(&params, &count, &capacity, VIR_MIGRATE_PARAM_URI, migrationURI) != 0 {
                throw self.error("migrate \(name): migrate_uri \(migrationURI)")
            }
            if let destinationXML {
                // libvirt refuses a destination definition whose UUID is not the running domain's.
                var uuid = [CChar](repeating: 0, count: Int(VIR_UUID_STRING_BUFLEN))
                guard virDomainGetUUIDString(domain, &uuid) == 0 else { throw self.error("migrate \(name): its UUID") }
                let xml = Self.keeping(uuid: String(cString: uuid), in: destinationXML)
                if virTypedParamsAddString(&params, &count, &capacity, VIR_MIGRATE_PARAM_DEST_XML, xml) != 0 {
                    throw self.error("migrate \(name): the destination's domain XML")
                }
            }
            if virDomainMigrateToURI3(domain, destination, params, UInt32(count), flags) != 0 {
                throw self.error("migrate \(name) to \(destination)")
            }
            if let job = Self.completedJob(domain) { return job }
            // A transient source (a guest that came here by migration) is gone with its statistics:
            // the destination's libvirt keeps its own of the same job.
            if let target = virConnectOpen(destination) {
                defer { virConnectClose(target) }
                if let arrived = virDomainLookupByName(target, name) {
                    defer { virDomainFree(arrived) }
                    if let job = Self.completedJob(arrived) { return job }
                }
            }
            return JSONValue.object([("status", .string("completed"))]).rendered(pretty: false)
        }
    }

    /// A domain XML labrunner wrote, with the running domain's `<uuid>` after its `<name>` unless it has one.
    static func keeping(uuid: String, in xml: String) -> String {
        guard !xml.contains("<uuid>"), let name = xml.range(of: "</name>") else { return xml }
        return xml.replacingCharacters(in: name, with: "</name>\n  <uuid>\(uuid)</uuid>")
    }

    /// The finished migration's statistics, shaped like QMP's query-migrate (so the same parser and
    /// expectations read either); nil when this libvirt has none for the domain.
    private static func completedJob(_ domain: virDomainPtr) -> String? {
        var type: Int32 = 0, params: virTypedParameterPtr?, count: Int32 = 0
        guard virDomainGetJobStats(domain, &type, &params, &count, UInt32(VIR_DOMAIN_JOB_STATS_COMPLETED.rawValue)) == 0, count > 0 else { return nil }
        defer { virTypedParamsFree(params, count) }
        func number(_ field: String) -> Int? {
            var number: UInt64 = 0
            return virTypedParamsGetULLong(params, count, field, &number) == 1 ? Int(clamping: number) : nil
        }
        func value(_ field: String) -> JSONValue? { number(field).map(JSONValue.int) }
        let bps = number(VIR_DOMAIN_JOB_MEMORY_BPS).map { JSONValue.int($0 * 8 / 1_000_000) }
        let ram: [(String, JSONValue?)] = [
            ("transferred", value(VIR_DOMAIN_JOB_MEMORY_PROCESSED)), ("total", value(VIR_DOMAIN_JOB_MEMORY_TOTAL)),
            ("remaining", value(VIR_DOMAIN_JOB_MEMORY_REMAINING)), ("duplicate", value(VIR_DOMAIN_JOB_MEMORY_CONSTANT)),
            ("normal", value(VIR_DOMAIN_JOB_MEMORY_NORMAL)), ("normal-bytes", value(VIR_DOMAIN_JOB_MEMORY_NORMAL_BYTES)),
            ("dirty-sync-count", value(VIR_DOMAIN_JOB_MEMORY_ITERATION)), ("mbps", bps),
        ]
        let fields: [(String, JSONValue?)] = [
            ("status", .string("completed")), ("total-time", value(VIR_DOMAIN_JOB_TIME_ELAPSED)),
            ("downtime", value(VIR_DOMAIN_JOB_DOWNTIME)), ("setup-time", value(VIR_DOMAIN_JOB_SETUP_TIME)),
            ("ram", .object(ram.compactMap { name, v in v.map { (name, $0) } })),
        ]
        return JSONValue.object(fields.compactMap { name, v in v.map { (name, $0) } }).rendered(pretty: false)
    }

    private func withDomain<T: Sendable>(_ name: String, _ operation: String, _ body: @escaping @Sendable (virDomainPtr) throws -> T) async throws -> T {
        try await thread.run { [self] in
            guard let domain = virDomainLookupByName(connection, name) else { throw error("\(operation) \(name)") }
            defer { virDomainFree(domain) }
            return try body(domain)
        }
    }

    private func error(_ operation: String) -> LibvirtError {
        guard let last = virGetLastError() else { return LibvirtError(operation: operation, uri: uri, code: -1, message: "unknown error") }
        return LibvirtError(operation: operation, uri: uri, code: last.pointee.code, message: last.pointee.message.map { String(cString: $0) } ?? "")
    }
}
