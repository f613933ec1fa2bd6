/// What a receiver learned from FastPath probes on one port: how many arrived, how many sequence
/// numbers never did, how many came late, and the longest silence between two consecutive probes
/// measured on the sender's clock (the outage a migration caused).
public struct ProbeCounters: Sendable, Equatable {
    /// Probes received.
    public var received: UInt64 = 0
    /// Sequence numbers skipped (lost, unless they arrive late).
    public var lost: UInt64 = 0
    /// Probes that arrived after a higher sequence number.
    public var late: UInt64 = 0
    /// Separate windows of loss (sequence jumps).
    public var gaps: UInt64 = 0
    /// Longest send-time gap between consecutive received probes, ns.
    public var longestGap: UInt64 = 0
    /// The next sequence number expected.
    public var expected: UInt64 = 0
    /// Send time of the last in-order probe, ns.
    public var lastTime: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}

    /// Accounts one probe; returns the loss window it ends, if it skipped sequence numbers.
    @inline(__always)
    @discardableResult
    public mutating func account(sequence: UInt64, time: UInt64) -> LossWindow? {
        received &+= 1
        var window: LossWindow?
        if sequence >= expected {
            if received > 1 {
                lost &+= sequence - expected
                if sequence > expected {
                    gaps &+= 1
                    window = LossWindow(start: lastTime, end: time, lost: sequence - expected)
                }
                if time > lastTime { longestGap = Swift.max(longestGap, time - lastTime) }
            }
            expected = sequence &+ 1
            lastTime = time
        } else {
            late &+= 1
            if lost > 0 { lost -= 1 }
        }
        return window
    }

    /// Combines the counters of two lcores (counts add, the gap is the longer, the last probe the later).
    public static func + (a: ProbeCounters, b: ProbeCounters) -> ProbeCounters {
        var s = a
        s.received &+= b.received
        s.lost &+= b.lost
        s.late &+= b.late
        s.gaps &+= b.gaps
        s.longestGap = Swift.max(a.longestGap, b.longestGap)
        s.lastTime = Swift.max(a.lastTime, b.lastTime)
        return s
    }
}
