import CFastPath
import Glibc
import Synchronization

/// Where lcores hand copies of captured packets to pdump. Lcores check one flag per port and
/// direction per burst; only while a capture is on do they copy the burst into fresh buffers and
/// queue the copies (one lock per burst), which a drain thread sends to the pdump client.
public final class CaptureHub: @unchecked Sendable {
    /// Copies queued at most; beyond it copies are dropped and counted.
    public static let queueCapacity = 4096

    /// One word per port and direction, non-zero while captured (lcores read it without touching the hub).
    let flags: UnsafeMutablePointer<UInt32>
    private let queue: UnsafeMutablePointer<CapturedPacket>
    /// The queue's first entry and length, and the copies dropped because it was full; the lock over `queue` too.
    private let state = Mutex<(head: Int, count: Int, dropped: UInt64)>((0, 0, 0))
    /// Copies dropped because the queue was full.
    public var dropped: UInt64 { state.withLock { $0.dropped } }

    /// A queued copy.
    public struct CapturedPacket {
        /// The copy.
        public var packet: PacketRef
        /// Port it was seen on.
        public var port: UInt16
        /// Direction.
        public var direction: UInt8
        /// Capture time, ns (monotonic).
        public var time: UInt64
    }

    /// Creates a hub with every capture off.
    public init() {
        flags = .allocate(capacity: PortTable.capacity * 2)
        flags.initialize(repeating: 0, count: PortTable.capacity * 2)
        queue = .allocate(capacity: Self.queueCapacity)
    }

    deinit {
        flags.deallocate()
        queue.deallocate()
    }

    /// Turns capture of one port's direction on or off.
    public func set(port: Int, _ direction: CaptureDirection, _ on: Bool) {
        guard port >= 0 && port < PortTable.capacity else { return }
        cfp_store_release_u32(flags + port * 2 + direction.rawValue, on ? 1 : 0)
    }

    /// Turns every capture off.
    public func clear() {
        for i in 0..<(PortTable.capacity * 2) { cfp_store_release_u32(flags + i, 0) }
    }

    /// Copies a burst into fresh buffers and queues the copies.
    func copy(_ burst: UnsafeMutablePointer<PacketRef>, count n: Int, port: Int, direction: CaptureDirection, cache: inout PoolCache) {
        let now = cfp_now_ns()
        state.withLock { state in
            for i in 0..<n {
                var copy = burst[i]
                guard state.count < Self.queueCapacity, cache.take(1, into: &copy) == 1 else {
                    state.dropped &+= 1
                    continue
                }
                copy.data.copyMemory(from: burst[i].data, byteCount: burst[i].length)
                copy.length = burst[i].length
                queue[(state.head + state.count) % Self.queueCapacity] = CapturedPacket(
                    packet: copy, port: UInt16(port), direction: UInt8(direction.rawValue), time: now)
                state.count += 1
            }
        }
    }

    /// Takes up to `max` queued copies into `into`; returns how many. The caller returns the buffers.
    public func drain(into: UnsafeMutablePointer<CapturedPacket>, max: Int) -> Int {
        state.withLock { state in
            let k = min(max, state.count)
            for i in 0..<k { into[i] = queue[(state.head + i) % Self.queueCapacity] }
            state.head = (state.head + k) % Self.queueCapacity
            state.count -= k
            return k
        }
    }
}
