/// A host role: a machine the lab provides.
public struct HostSpec: Sendable {
    /// Cores the scenario may use.
    public var cores: Located<CoreList>?
    /// Memory for guests.
    public var memory: Located<Quantity>?
    /// Hugepage size and count.
    public var hugepages: (size: Quantity, count: Int, mount: String?)?
    /// Physical NICs.
    public var nics: [HostNIC]
}
