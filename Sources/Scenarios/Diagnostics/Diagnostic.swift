/// One problem found in a scenario or lab file, with where it is and what to do about it.
public struct Diagnostic: Sendable, Hashable, Codable {
    /// Error, warning or note.
    public var severity: Severity
    /// What is wrong, in one sentence.
    public var message: String
    /// Where it is.
    public var location: SourceLocation
    /// A replacement the user probably meant (for "did you mean" and editors' quick fixes).
    public var suggestion: String?
    /// The length of the offending token, for the caret underline (at least 1).
    public var length: Int

    /// Creates a diagnostic.
    public init(
        _ severity: Severity, _ message: String, at location: SourceLocation,
        suggestion: String? = nil, length: Int = 1
    ) {
        self.severity = severity
        self.message = message
        self.location = location
        self.suggestion = suggestion
        self.length = max(1, length)
    }

    /// The message with its suggestion, as shown to people.
    public var fullMessage: String {
        guard let suggestion else { return message }
        return "\(message); did you mean '\(suggestion)'?"
    }
}
