/// Why an interactive session failed.
enum SessionError: Error, CustomStringConvertible {
    /// The pattern did not appear in time; `tail` is what the terminal printed last.
    case timeout(pattern: String, after: Duration, tail: String)
    /// The terminal's program ended.
    case closed(tail: String)
    /// The terminal's program took no input for this long (it stopped reading).
    case notReading(after: Duration, tail: String)
    /// The pattern is not a valid regular expression.
    case badPattern(String)
    /// The guest whose console this is panicked: it will not answer again.
    case guestPanicked(tail: String)

    var description: String {
        switch self {
        case .timeout(let pattern, let after, let tail):
            "no /\(pattern)/ within \(after); the terminal's last output: \(tail.suffix(300).debugDescription)"
        case .closed(let tail):
            "the terminal closed; its last output: \(tail.suffix(300).debugDescription)"
        case .notReading(let after, let tail):
            "the terminal took no input within \(after) (its program stopped reading); its last output: \(tail.suffix(300).debugDescription)"
        case .badPattern(let p):
            "/\(p)/ is not a valid regular expression"
        case .guestPanicked(let tail):
            "the guest panicked (its console shows the end of a kernel panic): \(tail.suffix(300).debugDescription)"
        }
    }
}
