import Synchronization

/// The loss windows one lcore's rxonly streams saw, in the order seen: written by that lcore only
/// (an entry, then the count, released), read by the control plane at any time up to the count.
/// It holds the first `capacity` windows of a run; later ones are not kept.
final class LossLog: @unchecked Sendable {
    static let capacity = 4096
    private let entries: UnsafeMutablePointer<LossWindow>
    private let count = Atomic<Int>(0)

    init() {
        entries = .allocate(capacity: Self.capacity)
    }

    deinit { entries.deallocate() }

    /// Appends a window (the owning lcore only).
    @inline(__always)
    func record(_ window: LossWindow) {
        let n = count.load(ordering: .relaxed)
        guard n < Self.capacity else { return }
        (entries + n).initialize(to: window)
        count.store(n + 1, ordering: .releasing)
    }

    /// The windows recorded so far.
    var windows: [LossWindow] {
        Array(UnsafeBufferPointer(start: entries, count: count.load(ordering: .acquiring)))
    }
}
