/// One region of the front-end's memory table.
public struct MemoryRegion: Sendable, Equatable {
    /// Guest physical address of the region's start.
    public var guestPhysical: UInt64
    /// Bytes.
    public var size: UInt64
    /// The front-end's virtual address of the start (ring addresses use these).
    public var userAddress: UInt64
    /// Offset of the region in its file.
    public var mmapOffset: UInt64
    /// The file (memfd or hugetlbfs).
    public var fd: Int32
}
