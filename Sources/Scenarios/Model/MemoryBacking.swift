/// Where a VM's RAM lives.
public struct MemoryBacking: Sendable {
    /// memfd, file, hugepages or anonymous.
    public var type: String
    /// mem-path.
    public var path: String?
    /// share=on.
    public var share: Bool
    /// Preallocate.
    public var prealloc: Bool
    /// libvirt hugepage size.
    public var pageSize: Quantity?

    /// Whether another process (a vhost-user backend) can map this memory.
    public var isShared: Bool { share && type != "anonymous" }
}
