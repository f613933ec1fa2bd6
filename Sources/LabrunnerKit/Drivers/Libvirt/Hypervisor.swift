/// A hypervisor labrunner manages domains on: libvirt (real labs, and a real libvirtd here), or the
/// QEMU launcher. One implementation per system; fakes only in unit tests.
protocol Hypervisor: Sendable {
    /// Defines a domain from XML; returns its name.
    func define(xml: String) async throws -> String
    /// Starts a defined domain.
    func start(_ domain: String) async throws
    /// Stops a domain at once.
    func destroy(_ domain: String) async throws
    /// Removes a stopped domain's definition.
    func undefine(_ domain: String) async throws
    /// running, paused, shut off, …
    func state(_ domain: String) async throws -> String
    /// The domain's XML as libvirt has it now.
    func xml(_ domain: String) async throws -> String
    /// A QMP command (JSON) or, with `hmp`, an HMP command passed through to the domain's QEMU.
    func monitor(_ domain: String, command: String, hmp: Bool) async throws -> String
    /// Migrates a domain to another host's libvirt (peer to peer), its stream to `migrationURI` when
    /// given, the destination's domain defined by `destinationXML` when given (the source's UUID is
    /// kept); returns the finished job's statistics as a query-migrate reply.
    func migrate(_ domain: String, to destination: String, via migrationURI: String?, destinationXML: String?, live: Bool) async throws -> String
}
