import Foundation
import Scenarios

/// libvirt calls on a domain; each domain it creates or starts goes into the ledger with its undo.
extension StepRunner {
    /// Carries out the call on its connection, within the step's timeout: a libvirtd that stops
    /// answering fails the step in time (and its connection is dropped), instead of holding the run.
    func libvirt(_ call: LibvirtCall) async throws -> StepOutput {
        let limit = timeout
        let uri = try await context.libvirtURI(for: call)
        do {
            return try await Timebox.run(limit) { [self] in try await perform(call, uri: uri) }
        } catch is Timebox.Expired {
            await context.dropHypervisor(uri)
            throw StepError.timedOut(after: limit, output: "libvirt \(call.action) of \(call.domain) on \(call.uri) did not return")
        }
    }

    /// The ledger's name for a domain this run defined on (`running`: started on) a libvirt.
    static func domainEntry(_ domain: String, on uri: String, running: Bool) -> String {
        running ? "\(domain) running on \(uri)" : "\(domain) on \(uri)"
    }

    private func perform(_ call: LibvirtCall, uri: String) async throws -> StepOutput {
        let hypervisor = try await context.hypervisor(uri)
        let undo = ["virsh", "-c", uri]
        switch call.action {
        case "define":
            let name = try await hypervisor.define(xml: call.xml ?? "")
            await context.ledger.record(kind: "domain", name: Self.domainEntry(name, on: call.uri, running: false), undo: undo + ["undefine", name])
            return StepOutput(stdout: "defined \(name)", stderr: "", status: 0)
        case "start", "create":
            try await hypervisor.start(call.domain)
            await context.domain(call.domain, runsOn: uri)
            await context.ledger.record(
                kind: "domain", name: Self.domainEntry(call.domain, on: call.uri, running: true), undo: undo + ["destroy", call.domain])
            return StepOutput(stdout: "started \(call.domain): \(try await hypervisor.state(call.domain))", stderr: "", status: 0)
        case "destroy":
            try await hypervisor.destroy(call.domain)
            await context.domain(call.domain, runsOn: nil)
            await context.ledger.resolve(kind: "domain", name: Self.domainEntry(call.domain, on: call.uri, running: true))
            return StepOutput(stdout: "destroyed \(call.domain)", stderr: "", status: 0)
        case "undefine":
            try await hypervisor.undefine(call.domain)
            await context.ledger.resolve(kind: "domain", name: Self.domainEntry(call.domain, on: call.uri, running: false))
            return StepOutput(stdout: "undefined \(call.domain)", stderr: "", status: 0)
        case "monitor":
            // A JSON object is QMP; anything else is an HMP command line.
            let text = call.argument ?? ""
            return StepOutput(stdout: try await hypervisor.monitor(call.domain, command: text, hmp: !text.hasPrefix("{")), stderr: "", status: 0)
        case "migrate":
            guard let dest = call.argument else { throw StepError.unreachable("a migration destination") }
            let job = try await timedMigration {
                try await hypervisor.migrate(call.domain, to: dest, via: call.migrationURI, destinationXML: call.xml, live: call.live)
            }
            // The domain now runs at the destination: that is where the ledger stops it.
            await context.domain(call.domain, runsOn: dest)
            await context.ledger.resolve(kind: "domain", name: Self.domainEntry(call.domain, on: call.uri, running: true))
            await context.ledger.record(
                kind: "domain", name: Self.domainEntry(call.domain, on: dest, running: true), undo: ["virsh", "-c", dest, "destroy", call.domain])
            return StepOutput(stdout: job, stderr: "", status: 0)
        case "dumpxml":
            return StepOutput(stdout: try await hypervisor.xml(call.domain), stderr: "", status: 0)
        default:
            return StepOutput(stdout: try await hypervisor.state(call.domain), stderr: "", status: 0)
        }
    }
}
