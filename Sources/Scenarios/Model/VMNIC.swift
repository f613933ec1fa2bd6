/// A network device of a VM.
public struct VMNIC: Sendable {
    /// Netdev/device id.
    public var id: Located<String>
    /// vhost-user, tap, vf, user or bridge.
    public var type: String
    /// Guest MAC.
    public var mac: Located<MACAddress>?
    /// vhost-user socket path on the host.
    public var socket: Located<String>?
    /// vhost-user: client (default) or server.
    public var mode: String
    /// tap interface name.
    public var ifname: String?
    /// Bridge the tap joins.
    public var bridge: String?
    /// vf: host PCI address.
    public var hostPCI: PCIAddress?
    /// Guest PCI address.
    public var pci: PCIAddress?
    /// Queue pairs.
    public var queues: Int?
    /// Extra virtio-net-pci options.
    public var options: String?
    /// virtio rx queue size.
    public var rxQueueSize: Int?
    /// Added later by device_add.
    public var hotplug: Bool
}
