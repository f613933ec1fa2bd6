/// A libvirt operation on a VM role's domain.
public struct LibvirtAction: Sendable {
    /// define, start, create, destroy, undefine, migrate, monitor or dumpxml.
    public var action: String
    /// The VM role.
    public var domain: Located<String>
    /// Connection URI.
    public var uri: String?
    /// Migration destination.
    public var dest: String?
    /// Monitor passthrough command.
    public var command: String?
    /// Live migration.
    public var live: Bool
}
