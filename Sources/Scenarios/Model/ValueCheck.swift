/// A comparison of a captured value (or its change since an earlier capture) with a bound.
public struct ValueCheck: Sendable {
    /// The capture path compared (`downtime`, `stats.1.rx_packets`).
    public var path: Located<String>
    /// For deltas: the earlier capture the change is measured from.
    public var since: Located<String>?
    /// The comparisons; all must hold.
    public var comparisons: [(Comparator, Located<String>)]
    /// The guide's words.
    public var doc: String?
    /// Where the check is written.
    public var location: SourceLocation

    /// The check as written, for reports: `delta stats.1.rx_packets since before > 0`.
    public var description: String {
        let subject = since.map { "delta \(path.value) since \($0.value)" } ?? path.value
        return comparisons.map { "\(subject) \($0.0.symbol) \($0.1.value)" }.joined(separator: " and ")
    }
}
