import CFastPath
import Glibc
import Synchronization

/// A single-producer single-consumer ring of packets with an eventfd the consumer may sleep on: the
/// producer publishes a burst with one release store and writes the eventfd only when the consumer
/// said it was going to sleep.
public final class PacketRing: @unchecked Sendable {
    private let slots: UnsafeMutablePointer<PacketRef?>
    private let mask: Int
    private let head = Atomic<Int>(0)  // next slot to write (producer)
    private let tail = Atomic<Int>(0)  // next slot to read (consumer)
    private let sleeping = Atomic<Bool>(false)
    /// The eventfd a sleeping consumer polls.
    public let eventDescriptor: Int32

    /// Creates a ring of `capacity` slots (rounded up to a power of two).
    public init(capacity: Int) throws(FastPathError) {
        var size = 1
        while size < capacity { size <<= 1 }
        let fd = cfp_eventfd()
        guard fd >= 0 else { throw .system("eventfd", errno) }
        eventDescriptor = fd
        slots = .allocate(capacity: size)
        slots.initialize(repeating: nil, count: size)
        mask = size - 1
    }

    deinit {
        Glibc.close(eventDescriptor)
        slots.deallocate()
    }

    /// Packets waiting.
    public var count: Int { head.load(ordering: .acquiring) - tail.load(ordering: .acquiring) }

    /// Adds up to `n` packets; returns how many fit.
    @inline(__always)
    public func enqueue(_ burst: UnsafeMutablePointer<PacketRef>, count n: Int) -> Int {
        let h = head.load(ordering: .relaxed)
        let free = mask + 1 - (h - tail.load(ordering: .acquiring))
        let k = Swift.min(n, free)
        if k == 0 { return 0 }
        for i in 0..<k { slots[(h + i) & mask] = burst[i] }
        head.store(h + k, ordering: .sequentiallyConsistent)
        if sleeping.load(ordering: .sequentiallyConsistent) {
            var one: UInt64 = 1
            _ = Glibc.write(eventDescriptor, &one, 8)
        }
        return k
    }

    /// Takes up to `max` packets; returns how many.
    @inline(__always)
    public func dequeue(_ burst: UnsafeMutablePointer<PacketRef>, max: Int) -> Int {
        let t = tail.load(ordering: .relaxed)
        let k = Swift.min(max, head.load(ordering: .acquiring) - t)
        if k <= 0 { return 0 }
        for i in 0..<k { burst[i] = slots[(t + i) & mask].unsafelyUnwrapped }
        tail.store(t + k, ordering: .releasing)
        return k
    }

    /// The consumer is about to sleep on the eventfd: returns false when packets arrived meanwhile.
    public func prepareToSleep() -> Bool {
        sleeping.store(true, ordering: .sequentiallyConsistent)
        if head.load(ordering: .sequentiallyConsistent) != tail.load(ordering: .relaxed) {
            sleeping.store(false, ordering: .relaxed)
            return false
        }
        return true
    }

    /// The consumer woke up.
    public func awake() {
        sleeping.store(false, ordering: .relaxed)
        var value: UInt64 = 0
        _ = Glibc.read(eventDescriptor, &value, 8)
    }
}
