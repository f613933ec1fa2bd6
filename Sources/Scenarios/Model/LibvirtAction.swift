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
    /// migrate: the VM role whose domain XML the destination gets (VIR_MIGRATE_PARAM_DEST_XML): the
    /// same guest with the destination host's paths (its vhost-user sockets, its console).
    public var destDomain: Located<String>?
    /// Monitor passthrough command.
    public var command: String?
    /// Live migration.
    public var live: Bool
}
