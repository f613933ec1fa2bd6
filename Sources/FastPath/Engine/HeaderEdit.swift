/// The per-packet header edits of the mac and macswap modes: fixed-size loads and stores, no loops.
enum HeaderEdit {
    /// Writes destination and source addresses (given as words) at the frame's start.
    @inline(__always)
    static func setAddresses(_ frame: UnsafeMutableRawPointer, destination: (UInt32, UInt16), source: (UInt32, UInt16)) {
        frame.storeBytes(of: destination.0, as: UInt32.self)
        frame.storeBytes(of: destination.1, toByteOffset: 4, as: UInt16.self)
        frame.storeBytes(of: source.0, toByteOffset: 6, as: UInt32.self)
        frame.storeBytes(of: source.1, toByteOffset: 10, as: UInt16.self)
    }

    /// Swaps destination and source addresses.
    @inline(__always)
    static func swapAddresses(_ frame: UnsafeMutableRawPointer) {
        let d0 = frame.loadUnaligned(as: UInt32.self)
        let d1 = frame.loadUnaligned(fromByteOffset: 4, as: UInt16.self)
        let s0 = frame.loadUnaligned(fromByteOffset: 6, as: UInt32.self)
        let s1 = frame.loadUnaligned(fromByteOffset: 10, as: UInt16.self)
        frame.storeBytes(of: s0, as: UInt32.self)
        frame.storeBytes(of: s1, toByteOffset: 4, as: UInt16.self)
        frame.storeBytes(of: d0, toByteOffset: 6, as: UInt32.self)
        frame.storeBytes(of: d1, toByteOffset: 10, as: UInt16.self)
    }
}
