/// What a step's output must show.
public struct Expectation: Sendable {
    /// Expected exit status.
    public var exit: Int?
    /// Substrings that must appear.
    public var contains: [Located<String>]
    /// Substrings that must not appear.
    public var notContains: [Located<String>]
    /// Regexes that must match.
    public var regex: [Located<String>]
    /// Value comparisons.
    public var checks: [ValueCheck]
    /// The guide's words.
    public var doc: String?

    /// An expectation that checks nothing.
    public static let none = Expectation(exit: nil, contains: [], notContains: [], regex: [], checks: [], doc: nil)

    /// Whether it checks anything.
    public var isEmpty: Bool { exit == nil && contains.isEmpty && notContains.isEmpty && regex.isEmpty && checks.isEmpty }
}
