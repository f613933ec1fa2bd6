/// What a unit measures; only quantities of one dimension compare.
public enum Dimension: String, Sendable {
    /// A plain count.
    case count
    /// Time.
    case time
    /// Bytes.
    case bytes
    /// Packets per second.
    case packetRate
    /// Bits per second.
    case bitRate
    /// A ratio in percent.
    case percent
}
