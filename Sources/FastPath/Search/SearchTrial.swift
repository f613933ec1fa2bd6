/// One trial of a throughput search: the rate offered for a time, and what came back.
public struct SearchTrial: Sendable, Equatable {
    /// Offered rate, packets per second.
    public var rate: Double
    /// Seconds it sent.
    public var duration: Double
    /// Packets sent and received.
    public var sent: UInt64, received: UInt64
    /// The search phase it belonged to (0 first; the last phase uses the final trial duration).
    public var phase: Int

    /// Creates a trial record.
    public init(rate: Double, duration: Double, sent: UInt64, received: UInt64, phase: Int) {
        self.rate = rate
        self.duration = duration
        self.sent = sent
        self.received = received
        self.phase = phase
    }

    /// Lost share of sent, 0…1 (all lost when nothing was sent).
    public var lossRatio: Double { sent == 0 ? 1 : Double(sent &- min(received, sent)) / Double(sent) }

    /// What the path forwarded of the rate offered, packets per second (by the share received: a
    /// generator's sent count runs a little over rate × duration).
    public var forwardingRate: Double { rate * (1 - lossRatio) }
}
