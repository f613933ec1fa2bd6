/// The data path's handle on a memory table: raw pointers into the table a `GuestMemory` owns, so
/// translating an address costs no reference counting. Valid while its `GuestMemory` lives (the port
/// quiesces the data path before a new table replaces the old one).
public struct GuestMemoryView {
    let regions: UnsafeMutablePointer<GuestMemory.Mapped>
    let count: Int
    let lastHit: UnsafeMutablePointer<Int>

    /// The host pointer for `length` bytes at guest physical `address`, or nil when the range is not
    /// wholly inside one region.
    @inline(__always)
    public func pointer(guest address: UInt64, length: Int) -> UnsafeMutableRawPointer? {
        let r = regions[lastHit.pointee]
        if address >= r.guestPhysical, address &- r.guestPhysical <= r.size, UInt64(length) <= r.size &- (address &- r.guestPhysical) {
            return r.host + Int(address &- r.guestPhysical)
        }
        for i in 0..<count {
            let r = regions[i]
            if address >= r.guestPhysical, address &- r.guestPhysical <= r.size, UInt64(length) <= r.size &- (address &- r.guestPhysical) {
                lastHit.pointee = i
                return r.host + Int(address &- r.guestPhysical)
            }
        }
        return nil
    }
}
