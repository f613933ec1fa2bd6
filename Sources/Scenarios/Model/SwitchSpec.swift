/// The switch between traffic generator and hosts.
public struct SwitchSpec: Sendable {
    /// Port names.
    public var ports: [String]
    /// Flood unicast to every port.
    public var flood: Bool
    /// VLAN tag.
    public var vlan: Int?
}
