/// A traffic step's throughput search (`search: [ndr, pdr]` and its settings): what the generator
/// looks for and how; unset settings take the generator's defaults (CSIT's).
public struct SearchSpec: Sendable {
    /// Goals: ndr, pdr.
    public var goals: [String]
    /// PDR's acceptable loss (0.5 %).
    public var pdrLoss: Quantity?
    /// Relative width the search stops at (0.5 %).
    public var width: Quantity?
    /// First and final trial durations (1 s, 10 s).
    public var trial: Quantity?, final: Quantity?
    /// Highest rate tried (the step's `rate` otherwise).
    public var maxRate: Quantity?
    /// Time cap (5 min).
    public var maxTime: Quantity?
    /// Final-length trials at each rate found and at 1.2 times it, after the search.
    public var verify = false

    /// The goals the search words name.
    public static let goalNames = ["ndr", "pdr"]
}
