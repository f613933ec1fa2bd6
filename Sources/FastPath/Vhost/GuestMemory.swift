import Glibc

/// The front-end's memory as mapped here: every address a ring or a descriptor names is translated
/// through this table, and only a range that lies wholly inside one region yields a pointer.
public final class GuestMemory: @unchecked Sendable {
    struct Mapped {
        let guestPhysical: UInt64
        let userAddress: UInt64
        let size: UInt64
        let host: UnsafeMutableRawPointer  // the region's first byte here
        let mapping: UnsafeMutableRawPointer
        let mappingSize: Int
    }

    private let regions: UnsafeMutablePointer<Mapped>
    /// Number of regions.
    public let count: Int
    private let lastHit: UnsafeMutablePointer<Int>  // the region the previous lookup found (not a stored var: no exclusivity checks per packet)

    /// Maps every region (the caller closes the descriptors; the mappings outlive them). Throws when one
    /// cannot be mapped.
    public init(_ table: [MemoryRegion]) throws(VhostError) {
        let regions = UnsafeMutablePointer<Mapped>.allocate(capacity: max(1, table.count))
        var done = 0
        func fail(_ error: VhostError) -> VhostError {
            for i in 0..<done { munmap(regions[i].mapping, regions[i].mappingSize) }
            regions.deallocate()
            return error
        }
        for r in table {
            var st = stat()
            guard fstat(r.fd, &st) == 0 else { throw fail(.system("fstat of a guest memory region's descriptor", errno)) }
            // A region past the end of its file would kill the process (SIGBUS) at the first access.
            guard UInt64(max(0, st.st_size)) >= r.mmapOffset + r.size else {
                throw fail(.badAddress("a \(r.size)-byte guest memory region at offset \(r.mmapOffset) runs past its file (\(st.st_size) bytes)"))
            }
            // hugetlbfs maps in whole huge pages: map from offset 0 through the region's end, rounded up.
            let block = max(4096, Int(st.st_blksize))
            let length = (Int(r.mmapOffset + r.size) + block - 1) / block * block
            guard let map = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, r.fd, 0), map != MAP_FAILED else {
                throw fail(.system("mmap of a \(r.size)-byte guest memory region", errno))
            }
            (regions + done).initialize(
                to: Mapped(
                    guestPhysical: r.guestPhysical, userAddress: r.userAddress, size: r.size,
                    host: map + Int(r.mmapOffset), mapping: map, mappingSize: length))
            done += 1
        }
        self.regions = regions
        count = done
        lastHit = .allocate(capacity: 1)
        lastHit.pointee = 0
    }

    deinit {
        for i in 0..<count { munmap(regions[i].mapping, regions[i].mappingSize) }
        regions.deallocate()
        lastHit.deallocate()
    }

    /// The data path's handle on this table.
    public var view: GuestMemoryView { GuestMemoryView(regions: regions, count: count, lastHit: lastHit) }

    /// The host pointer for `length` bytes at guest physical `address`, or nil.
    public func pointer(guest address: UInt64, length: Int) -> UnsafeMutableRawPointer? { view.pointer(guest: address, length: length) }

    /// The host pointer for a front-end virtual address range (ring addresses), or nil.
    public func pointer(user address: UInt64, length: Int) -> UnsafeMutableRawPointer? {
        for i in 0..<count {
            let r = regions[i]
            if address >= r.userAddress, address &- r.userAddress <= r.size, UInt64(length) <= r.size &- (address &- r.userAddress) {
                return r.host + Int(address &- r.userAddress)
            }
        }
        return nil
    }

    /// The guest physical address of a front-end virtual address (for logging ring writes).
    public func guestPhysical(user address: UInt64) -> UInt64? {
        for i in 0..<count {
            let r = regions[i]
            if address >= r.userAddress && address &- r.userAddress < r.size { return r.guestPhysical + (address &- r.userAddress) }
        }
        return nil
    }
}
