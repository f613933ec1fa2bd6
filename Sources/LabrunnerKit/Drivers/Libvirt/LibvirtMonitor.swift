import Scenarios

/// A libvirt domain's QEMU monitor as a `MonitorConnection`: QMP and HMP passed through
/// virDomainQemuMonitorCommand (libvirt owns the domain's QMP socket), each within its timeout. QEMU's
/// events reach libvirt, not this connection: a libvirt domain migrates through a libvirt migrate step.
struct LibvirtMonitor: MonitorConnection {
    let hypervisor: any Hypervisor
    let domain: String

    func execute(_ command: JSONValue, timeout: Duration) async throws -> String {
        try await passed(command.rendered(pretty: false), hmp: false, timeout: timeout)
    }

    func hmp(_ commandLine: String, timeout: Duration) async throws -> String {
        try await passed(commandLine, hmp: true, timeout: timeout)
    }

    func waitForEvent(_ name: String, timeout: Duration, matching: @escaping @Sendable (JSONValue) -> Bool) async throws -> String {
        throw StepError.setup(
            "domain \(domain) runs under libvirt, which keeps QEMU's events (\(name)) to itself: migrate it with a libvirt step (libvirt: {action: migrate, …})"
        )
    }

    func close() {}

    private func passed(_ command: String, hmp: Bool, timeout: Duration) async throws -> String {
        let (hypervisor, domain) = (hypervisor, domain)
        do {
            return try await Timebox.run(timeout) { try await hypervisor.monitor(domain, command: command, hmp: hmp) }
        } catch is Timebox.Expired {
            throw StepError.timedOut(after: timeout, output: "the monitor of libvirt domain \(domain) did not answer \(command)")
        }
    }
}
