/// One loaded file: its text, its tree (nil when unreadable), and what was wrong with it.
public struct Document: Sendable {
    /// The text, for quoting in diagnostics (nil when the file could not be read as text).
    public var source: SourceFile?
    /// The parsed tree.
    public var root: YAMLNode?
    /// Problems found while reading, parsing and checking its structure.
    public var diagnostics: [Diagnostic]
}
