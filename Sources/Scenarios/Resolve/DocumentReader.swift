/// Reads a file into a `Document`: bytes → text → YAML tree → structure check.
public struct DocumentReader: Sendable {
    /// Limits and safety checks.
    public var loader = YAMLLoader()
    /// Where files come from.
    public var source: any SourceReader

    /// Creates a reader of files from `source`.
    public init(source: any SourceReader = FileSourceReader()) { self.source = source }

    /// Reads and checks the file at `path` against `shape`.
    public func read(path: String, shape: ObjectShape, definitions: [String: ObjectShape] = ScenarioGrammar.definitions) -> Document {
        switch source.bytes(at: path) {
        case .success(let bytes):
            return parse(path: path, bytes: bytes, shape: shape, definitions: definitions)
        case .failure(let error):
            return Document(source: nil, root: nil, diagnostics: [Self.unreadable(path, error)])
        }
    }

    /// The error for a file that cannot be read.
    public static func unreadable(_ path: String, _ error: SourceReadError) -> Diagnostic {
        Diagnostic(.error, "cannot read '\(path)': \(error.reason)", at: SourceLocation(file: path, line: 1, column: 1))
    }

    /// Parses and checks in-memory bytes as if read from `path`.
    public func parse(path: String, bytes: [UInt8], shape: ObjectShape, definitions: [String: ObjectShape] = ScenarioGrammar.definitions) -> Document {
        let (source, sourceDiagnostics) = loader.source(path: path, bytes: bytes)
        guard let source else { return Document(source: nil, root: nil, diagnostics: sourceDiagnostics) }
        let (root, parseDiagnostics) = loader.load(source)
        guard let root else { return Document(source: source, root: nil, diagnostics: parseDiagnostics) }
        let structure = ShapeChecker(definitions: definitions).check(root, against: .object(shape))
        return Document(source: source, root: root, diagnostics: parseDiagnostics + structure)
    }
}
