/// A VM role: a QEMU guest on a host role.
public struct VMSpec: Sendable {
    /// The host role.
    public var host: Located<String>
    /// Guest name.
    public var name: String?
    /// RAM.
    public var memory: Located<Quantity>
    /// vCPUs.
    public var vcpus: Located<Int>
    /// Host cores for the vCPUs.
    public var pin: Located<CoreList>?
    /// CPU model.
    public var cpu: String?
    /// Machine type.
    public var machine: String?
    /// Memory backing.
    public var backing: MemoryBacking?
    /// Disk image.
    public var disk: String?
    /// Direct-boot kernel, initrd, command line.
    public var kernel: String?, initrd: String?, append: String?
    /// Network devices.
    public var nics: [VMNIC]
    /// -incoming URI.
    public var incoming: String?
    /// HMP monitor chardev spec.
    public var monitor: String?
    /// QMP socket path.
    public var qmp: String?
}
