/// What loading a scenario produced: the model (when it could be built), every diagnostic,
/// and the files read (for quoting lines).
public struct LoadResult: Sendable {
    /// The scenario; nil when the file could not be parsed at all.
    public var scenario: Scenario?
    /// Every problem found, sorted by file and position.
    public var diagnostics: [Diagnostic]
    /// Every file read.
    public var sources: [SourceFile]

    /// Whether any diagnostic is an error.
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}
