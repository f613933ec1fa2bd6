import Foundation

/// Reads a file into a `Document`: bytes → text → YAML tree → structure check.
public struct DocumentReader: Sendable {
    /// Limits and safety checks.
    public var loader = YAMLLoader()

    /// Creates a reader.
    public init() {}

    /// Reads and checks the file at `path` against `shape`.
    public func read(path: String, shape: ObjectShape, definitions: [String: ObjectShape] = ScenarioGrammar.definitions) -> Document {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let why = !exists ? "no such file" : isDirectory.boolValue ? "it is a directory" : "permission denied"
            return Document(source: nil, root: nil, diagnostics: [Diagnostic(.error, "cannot read '\(path)': \(why)", at: SourceLocation(file: path, line: 1, column: 1))])
        }
        return parse(path: path, bytes: [UInt8](data), shape: shape, definitions: definitions)
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
