import CLibvirt
import Foundation

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

    func migrate(_ name: String, to destination: String, live: Bool) async throws {
        try await withDomain(name, "migrate") { domain in
            var flags = UInt32(VIR_MIGRATE_PEER2PEER.rawValue)
            if live { flags |= UInt32(VIR_MIGRATE_LIVE.rawValue) }
            if virDomainMigrateToURI3(domain, destination, nil, 0, flags) != 0 { throw self.error("migrate \(name) to \(destination)") }
        }
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
