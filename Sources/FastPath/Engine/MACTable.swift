import CFastPath

/// The vhost-switch mode's address table: behind which forwarding port each learned MAC address
/// sits. It outlives a run, and the next run's lcore may be another thread: an entry is one 64-bit
/// word (address and port) written whole, and a lookup checks the address it finds. It is a cache:
/// a busy slot group loses its first guess, and an address that moves is learned again.
final class MACTable: @unchecked Sendable {
    /// Slots (a power of two) and how many a lookup tries from an address's home slot.
    static let capacity = 4096
    static let probes = 8
    /// address << 16 | (port position + 1); 0 is an empty slot.
    private let entries: UnsafeMutablePointer<UInt64>

    init() {
        entries = .allocate(capacity: Self.capacity)
        entries.initialize(repeating: 0, count: Self.capacity)
    }

    deinit { entries.deallocate() }

    /// The 48-bit address at `frame + offset` (6 bytes, in wire order).
    @inline(__always)
    static func address(_ frame: UnsafeRawPointer, at offset: Int) -> UInt64 {
        UInt64(UInt32(bigEndian: frame.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) << 16
            | UInt64(UInt16(bigEndian: frame.loadUnaligned(fromByteOffset: offset + 4, as: UInt16.self)))
    }

    /// Whether the address is a group (broadcast or multicast) address: the first octet's low bit.
    @inline(__always)
    static func isGroup(_ address: UInt64) -> Bool { address & (1 << 40) != 0 }

    @inline(__always)
    private func home(_ address: UInt64) -> Int {
        Int(truncatingIfNeeded: (address &* 0x9E37_79B9_7F4A_7C15) >> 52) & (Self.capacity - 1)
    }

    /// The position of the port `address` was learned on, if it was.
    @inline(__always)
    func lookup(_ address: UInt64) -> Int? {
        let start = home(address)
        for i in 0..<Self.probes {
            let e = cfp_load_relaxed_u64(entries + ((start + i) & (Self.capacity - 1)))
            if e == 0 { return nil }
            if e >> 16 == address { return Int(e & 0xFFFF) - 1 }
        }
        return nil
    }

    /// Records that `address` sits behind port position `port` (a write only when that changed).
    @inline(__always)
    func learn(_ address: UInt64, port: Int) {
        let entry = address << 16 | UInt64(port + 1)
        let start = home(address)
        for i in 0..<Self.probes {
            let slot = entries + ((start + i) & (Self.capacity - 1))
            let e = cfp_load_relaxed_u64(slot)
            if e == entry { return }
            if e == 0 || e >> 16 == address {
                cfp_store_relaxed_u64(slot, entry)
                return
            }
        }
        cfp_store_relaxed_u64(entries + start, entry)  // the group is full: replace its first guess
    }
}
