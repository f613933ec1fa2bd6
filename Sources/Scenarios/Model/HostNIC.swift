/// A physical NIC on a host role.
public struct HostNIC: Sendable {
    /// Interface name.
    public var name: Located<String>
    /// PCI address of the PF.
    public var pci: PCIAddress?
    /// NIC model.
    public var model: String?
    /// Kernel driver.
    public var driver: String?
    /// VFs created.
    public var vfs: Int?
    /// MAC address.
    public var mac: Located<MACAddress>?
}
