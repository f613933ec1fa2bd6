/// One window in which probes were lost, on the sender's clock: the send times of the last probe
/// received before it and the first after it, and how many sequence numbers fell between.
public struct LossWindow: Sendable, Equatable {
    /// Send time of the probe before the loss, ns (CLOCK_MONOTONIC of the sender).
    public var start: UInt64
    /// Send time of the probe after it, ns.
    public var end: UInt64
    /// Probes lost in it.
    public var lost: UInt64

    /// Creates a window.
    public init(start: UInt64, end: UInt64, lost: UInt64) {
        self.start = start
        self.end = end
        self.lost = lost
    }

    /// Its length, ns.
    public var length: UInt64 { end > start ? end - start : 0 }
}
