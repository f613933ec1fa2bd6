/// A pause or a poll.
public struct WaitSpec: Sendable {
    /// How long to pause, or the overall limit when polling.
    public var duration: Quantity?
    /// Shell condition to poll.
    public var until: String?
    /// Poll interval.
    public var every: Quantity?
}
