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

    /// Lost share of sent, percent.
    public var lossPercent: Double { sent == 0 ? 0 : Double(sent &- min(received, sent)) * 100 / Double(sent) }

    /// The longest gap minus one nominal inter-packet interval, ms (0 without loss).
    public var outageMilliseconds: Double {
        let nominal = rate > 0 ? 1e9 / rate : 0
        return max(0, Double(longestGap) - nominal) / 1e6
    }

    /// One JSON object (the report the engine's `traffic` parser reads).
    public var json: String {
        let fields: [(String, String)] = [
            ("sent", "\(sent)"), ("received", "\(received)"), ("lost", "\(lost)"), ("late", "\(late)"), ("gaps", "\(gaps)"),
            ("loss", String(format: "%.4f", lossPercent)), ("outage", String(format: "%.3f", outageMilliseconds)),
            ("rate_pps", String(format: "%.0f", rate)), ("duration_s", String(format: "%.3f", duration)),
        ]
        return "{" + fields.map { "\"\($0.0)\": \($0.1)" }.joined(separator: ", ") + "}"
    }
}
