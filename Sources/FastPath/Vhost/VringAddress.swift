/// SET_VRING_ADDR: where a ring's three parts are, in the front-end's address space.
public struct VringAddress: Sendable, Equatable {
    /// Queue index.
    public var index: Int
    /// Bit 0: log writes to the used ring at `log`.
    public var flags: UInt32
    /// Descriptor table (front-end virtual address).
    public var descriptors: UInt64
    /// Used ring (front-end virtual address).
    public var used: UInt64
    /// Available ring (front-end virtual address).
    public var available: UInt64
    /// Guest physical address of the used ring, for the dirty log.
    public var log: UInt64
}
