/// A comparison in an expectation.
public enum Comparator: String, Sendable, CaseIterable {
    case eq, ne, lt, le, gt, ge

    /// The operator symbol, for messages.
    public var symbol: String {
        switch self {
        case .eq: "=="
        case .ne: "!="
        case .lt: "<"
        case .le: "<="
        case .gt: ">"
        case .ge: ">="
        }
    }

    /// Applies the comparison to two numbers.
    public func holds(_ lhs: Double, _ rhs: Double) -> Bool {
        switch self {
        case .eq: lhs == rhs
        case .ne: lhs != rhs
        case .lt: lhs < rhs
        case .le: lhs <= rhs
        case .gt: lhs > rhs
        case .ge: lhs >= rhs
        }
    }
}
