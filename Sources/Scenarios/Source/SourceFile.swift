/// The text of one file, kept so diagnostics can quote the offending line.
public struct SourceFile: Sendable {
    /// The path as given by the user.
    public let path: String
    /// The whole text.
    public let text: String
    /// The text split into lines (without terminators).
    public let lines: [Substring]

    /// Creates a source file from its path and text.
    public init(path: String, text: String) {
        self.path = path
        self.text = text
        self.lines = text.split(separator: "\n", omittingEmptySubsequences: false).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
    }

    /// The line with the given 1-based number, if it exists.
    public func line(_ number: Int) -> Substring? {
        guard number >= 1, number <= lines.count else { return nil }
        return lines[number - 1]
    }

    /// A location in this file.
    public func location(line: Int, column: Int) -> SourceLocation {
        SourceLocation(file: path, line: line, column: column)
    }
}
