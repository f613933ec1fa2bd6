import Foundation

/// What one traffic run measured. Loss counts sequence numbers that never arrived; the outage is the
/// longest silence between consecutive probes on the sender's clock minus the nominal gap (what a
/// migration or a failover cost the data plane).
public struct TrafficReport: Sendable, Equatable {
    /// Probes sent.
    public var sent: UInt64
    /// Probes received.
    public var received: UInt64
    /// Sequence numbers never received.
    public var lost: UInt64
    /// Probes received out of order.
    public var late: UInt64
    /// Separate windows in which probes were lost.
    public var gaps: UInt64 = 0
    /// Longest send-time gap between consecutive received probes, ns.
    public var longestGap: UInt64
    /// Offered rate, packets per second.
    public var rate: Double
    /// Seconds sent.
    public var duration: Double
    /// The loss windows that began in it, in order (their times on CLOCK_MONOTONIC, as the run's
    /// steps can be placed on it too).
    public var windows: [LossWindow] = []
    /// When it began and ended, ns on CLOCK_MONOTONIC.
    public var startNanoseconds: UInt64 = 0, endNanoseconds: UInt64 = 0

    /// Loss windows the JSON report lists at most (the first ones; `gaps` counts them all).
    public static let reportedWindows = 1000

    /// Lost share of sent, percent.
    public var lossPercent: Double { sent == 0 ? 0 : Double(sent &- min(received, sent)) * 100 / Double(sent) }

    /// The longest gap minus one nominal inter-packet interval, ms (0 without loss).
    public var outageMilliseconds: Double {
        let nominal = rate > 0 ? 1e9 / rate : 0
        return max(0, Double(longestGap) - nominal) / 1e6
    }

    /// One JSON object (the report the engine's `traffic` parser reads): the counts, then `start_ns`,
    /// `end_ns` and `windows` as `[[start_ns, end_ns, lost], …]`.
    public var json: String {
        let fields: [(String, String)] = [
            ("sent", "\(sent)"), ("received", "\(received)"), ("lost", "\(lost)"), ("late", "\(late)"), ("gaps", "\(gaps)"),
            ("loss", String(format: "%.4f", lossPercent)), ("outage", String(format: "%.3f", outageMilliseconds)),
            ("rate_pps", String(format: "%.0f", rate)), ("duration_s", String(format: "%.3f", duration)),
        ]
        let listed = windows.prefix(Self.reportedWindows).map { "[\($0.start), \($0.end), \($0.lost)]" }.joined(separator: ", ")
        let timeline = [("start_ns", "\(startNanoseconds)"), ("end_ns", "\(endNanoseconds)"), ("windows", "[\(listed)]")]
        return "{" + (fields + timeline).map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}
