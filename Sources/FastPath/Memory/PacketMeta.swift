/// The header at the start of every packet buffer (FastPath's mbuf): where the frame starts and how
/// long it is. The frame itself follows in the same buffer.
public struct PacketMeta {
    /// Frame length in bytes.
    public var length: UInt32
    /// Offset of the frame from the start of the buffer.
    public var offset: UInt32
    /// Port the frame arrived on.
    public var port: UInt16
    /// Reserved flags.
    public var flags: UInt16
    /// Index of the buffer in its pool.
    public var index: UInt32
}

/// A packet: a pointer to its buffer's header. Bursts are arrays of these; copying one copies a pointer.
public typealias PacketRef = UnsafeMutablePointer<PacketMeta>

extension UnsafeMutablePointer where Pointee == PacketMeta {
    /// The first byte of the frame.
    @inline(__always) public var data: UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(self) + Int(pointee.offset)
    }

    /// The frame's length as an Int.
    @inline(__always) public var length: Int {
        get { Int(pointee.length) }
        nonmutating set { pointee.length = UInt32(truncatingIfNeeded: newValue) }
    }
}
