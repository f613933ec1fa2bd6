import CFastPath
import Glibc
import Synchronization

/// A fixed set of packet buffers in one shared memfd mapping — on reserved hugepages when there are
/// enough, else on ordinary pages touched only when used. A vhost-user back-end can map the same memory
/// (so virtio_user ports hand it buffers without a copy). A mutex guards the free list; forwarding
/// lcores take and return buffers in bulk through their own `PoolCache`, so the lock is taken once per
/// several hundred packets, never per packet.
public final class PacketPool: @unchecked Sendable {
    /// Bytes per buffer: header, headroom, and room for a 2048-byte frame.
    public static let bufferSize = 2048 + 128
    /// Offset of a fresh frame inside its buffer.
    public static let headroom = 128
    /// Largest frame a buffer holds.
    public static let dataRoom = 2048
    /// The default hugepage size (x86-64), which a hugetlb mapping's length is a multiple of.
    static let hugepageSize = 2 << 20

    /// Number of buffers.
    public let count: Int
    /// The first buffer (the mapping's start).
    public let base: UnsafeMutableRawPointer
    /// Bytes mapped.
    public let byteCount: Int
    /// Whether the buffers lie in hugepages (the machine had enough reserved), as DPDK's would.
    public let onHugepages: Bool
    /// The memfd behind the mapping (shared with vhost-user back-ends).
    public let memoryFD: Int32
    private let free: UnsafeMutablePointer<PacketRef>
    /// How many of `free`'s entries hold buffers; the lock over `free` too.
    private let freeCount: Mutex<Int>

    /// Maps `count` buffers. Throws when the mapping fails.
    public init(count: Int) throws(FastPathError) {
        guard count > 0 else { throw .invalid("the packet pool needs at least one buffer") }
        // Reserved hugepages first (fewer TLB misses; and a guest that reserved most of its memory as
        // hugepages for DPDK has little else), else ordinary shared memory.
        let hugeBytes = (count * Self.bufferSize + Self.hugepageSize - 1) / Self.hugepageSize * Self.hugepageSize
        let fd: Int32, map: UnsafeMutableRawPointer, bytes: Int, huge: Bool
        let hugeFD = cfp_memfd_huge("fastpath-packets")
        if hugeFD >= 0, let hugeMap = try? Self.map(hugeFD, bytes: hugeBytes, count: count) {
            (fd, map, bytes, huge) = (hugeFD, hugeMap, hugeBytes, true)
        } else {
            fd = cfp_memfd("fastpath-packets")
            guard fd >= 0 else { throw .system("memfd_create for the packet pool", -fd) }
            bytes = count * Self.bufferSize
            map = try Self.map(fd, bytes: bytes, count: count)
            huge = false
        }
        byteCount = bytes
        onHugepages = huge
        memoryFD = fd
        self.count = count
        base = map
        free = .allocate(capacity: count)
        // Lowest buffers on top, so a light load keeps reusing the same few pages.
        for i in 0..<count {
            let buffer = (map + (count - 1 - i) * Self.bufferSize).bindMemory(to: PacketMeta.self, capacity: 1)
            free[i] = buffer
        }
        freeCount = Mutex(count)
        for i in 0..<count {
            (map + i * Self.bufferSize).bindMemory(to: PacketMeta.self, capacity: 1).pointee.index = UInt32(i)
        }
    }

    /// Sizes the memfd `fd` to `bytes` and maps it shared; on failure closes it and says why.
    private static func map(_ fd: Int32, bytes: Int, count: Int) throws(FastPathError) -> UnsafeMutableRawPointer {
        guard ftruncate(fd, off_t(bytes)) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw .system("sizing the \(bytes)-byte packet pool", e)
        }
        guard let map = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            let e = errno
            Glibc.close(fd)
            throw .system("mmap of \(bytes) bytes for \(count) packet buffers", e)
        }
        return map
    }

    deinit {
        munmap(base, byteCount)
        Glibc.close(memoryFD)
        free.deallocate()
    }

    /// Buffers not in use by anyone (those in lcore caches count as in use).
    public var available: Int {
        freeCount.withLock { $0 }
    }

    /// Takes up to `n` buffers into `into`; returns how many it took.
    public func take(_ n: Int, into: UnsafeMutablePointer<PacketRef>) -> Int {
        freeCount.withLock { freeCount in
            let k = min(n, freeCount)
            freeCount -= k
            into.update(from: free + freeCount, count: k)
            return k
        }
    }

    /// Returns `n` buffers.
    public func give(_ n: Int, from: UnsafePointer<PacketRef>) {
        freeCount.withLock { freeCount in
            precondition(freeCount + n <= count, "more buffers returned to the pool than it has: a buffer of another pool, or one returned twice")
            (free + freeCount).update(from: from, count: n)
            freeCount += n
        }
    }

    /// Takes one buffer, reset to an empty frame at the headroom (for the control plane).
    public func takeOne() -> PacketRef? {
        var one = base.bindMemory(to: PacketMeta.self, capacity: 1)
        guard take(1, into: &one) == 1 else { return nil }
        one.pointee.offset = UInt32(Self.headroom)
        one.pointee.length = 0
        return one
    }

    /// Returns one buffer.
    public func giveOne(_ packet: PacketRef) {
        var p = packet
        give(1, from: &p)
    }
}
