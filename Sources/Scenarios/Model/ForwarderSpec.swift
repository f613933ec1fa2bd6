/// A forwarder role: testpmd on a real lab, FastPath on the virtual lab — same arguments.
public struct ForwarderSpec: Sendable {
    /// Host, VM or container it runs on.
    public var on: Located<String>
    /// EAL core list.
    public var lcores: Located<CoreList>
    /// EAL -n.
    public var channels: Int?
    /// EAL --socket-mem / -m.
    public var memory: Quantity?
    /// EAL --file-prefix.
    public var filePrefix: String?
    /// EAL --proc-type.
    public var procType: String?
    /// EAL --no-pci.
    public var noPCI: Bool
    /// EAL --vdev arguments.
    public var vdevs: [Located<String>]
    /// Allowed PCI devices.
    public var allow: [PCIAddress]
    /// Application arguments.
    public var args: String?
    /// `testpmd` or `fastpath` when the role names its program; otherwise the lab's forwarder runs it.
    public var program: String?
}
