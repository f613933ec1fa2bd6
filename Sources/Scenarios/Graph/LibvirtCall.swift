/// A planned libvirt call: the action, the domain's name, the connection URI, the action's argument
/// (the destination URI of a migrate, the QMP/HMP command of a monitor), and a migrate's stream URI.
public struct LibvirtCall: Sendable {
    /// define, start, destroy, undefine, migrate, monitor, …
    public var action: String
    /// The domain's name.
    public var domain: String
    /// The connection URI.
    public var uri: String
    /// The lab host whose libvirt `uri` is (its key, known_hosts and jump host reach it over SSH).
    public var host: String?
    /// The destination URI (migrate) or the passed-through command (monitor).
    public var argument: String?
    /// Where a migration's stream goes (VIR_MIGRATE_PARAM_URI).
    public var migrationURI: String?
    /// A migration keeps the domain running while it copies (VIR_MIGRATE_LIVE).
    public var live: Bool = true
    /// The domain XML a define sends, or a migration's destination gets.
    public var xml: String?
}
