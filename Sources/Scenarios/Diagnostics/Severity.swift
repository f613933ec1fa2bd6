/// How bad a diagnostic is.
public enum Severity: String, Sendable, Codable, Comparable {
    /// Informational remark.
    case note
    /// Something suspicious that does not stop a run.
    case warning
    /// Something that makes the scenario invalid.
    case error

    private var rank: Int {
        switch self {
        case .note: 0
        case .warning: 1
        case .error: 2
        }
    }

    /// Orders by badness: note < warning < error.
    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rank < rhs.rank }
}
