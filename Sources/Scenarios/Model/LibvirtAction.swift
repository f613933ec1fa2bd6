/// A libvirt operation on a VM role's domain.
public struct LibvirtAction: Sendable {
    /// define, start, create, destroy, undefine, migrate, monitor, state or dumpxml.
    public var action: String
    /// The VM role.
    public var domain: Located<String>
    /// Connection URI.
    public var uri: String?
    /// Migration destination: the destination host's libvirt URI.
    public var dest: String?
    /// Where the migration stream goes (tcp://address[:port]), when the destination's hostname is not it.
    public var migrationURI: String?
    /// Monitor passthrough command.
    public var command: String?
    /// Live migration.
    public var live: Bool
}
