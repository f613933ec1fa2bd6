/// An lcore's private stock of free buffers, refilled from and flushed to the shared pool in bulk:
/// taking or returning a burst is a copy of pointers, with no lock.
public struct PoolCache: ~Copyable {
    /// Buffers the cache holds at most.
    public static let capacity = 512
    private static let refill = 256

    private let pool: PacketPool
    private let slots: UnsafeMutablePointer<PacketRef>
    private var count = 0

    /// Creates an empty cache over `pool`.
    public init(pool: PacketPool) {
        self.pool = pool
        slots = .allocate(capacity: Self.capacity)
    }

    deinit {
        pool.give(count, from: slots)
        slots.deallocate()
    }

    /// Takes `n` buffers (n ≤ 256), each reset to an empty frame at the headroom. Returns how many it
    /// got: fewer only when the pool runs dry.
    @inline(__always)
    public mutating func take(_ n: Int, into burst: UnsafeMutablePointer<PacketRef>) -> Int {
        if count < n {
            count += pool.take(Self.refill, into: slots + count)
        }
        let k = Swift.min(n, count)
        count -= k
        burst.update(from: slots + count, count: k)
        for i in 0..<k {
            burst[i].pointee.offset = UInt32(PacketPool.headroom)
        }
        return k
    }

    /// Returns `n` buffers (n ≤ 256).
    @inline(__always)
    public mutating func give(_ n: Int, from burst: UnsafePointer<PacketRef>) {
        if count + n > Self.capacity {
            count -= Self.refill
            pool.give(Self.refill, from: slots + count)
        }
        (slots + count).update(from: burst, count: n)
        count += n
    }

    /// Returns one buffer.
    @inline(__always)
    public mutating func give(_ packet: PacketRef) {
        var p = packet
        give(1, from: &p)
    }
}
