import Foundation

/// Turns diagnostics into the text and JSON forms users and tools read. Rendering only: it never prints.
public struct DiagnosticRenderer: Sendable {
    private let sources: [String: SourceFile]

    /// Creates a renderer that can quote lines from the given files.
    public init(sources: [SourceFile]) {
        var map: [String: SourceFile] = [:]
        for source in sources { map[source.path] = source }
        self.sources = map
    }

    /// `file:line:col: severity: message`, then the source line and a caret under the column.
    public func text(_ diagnostic: Diagnostic) -> String {
        var out = "\(diagnostic.location): \(diagnostic.severity.rawValue): \(diagnostic.fullMessage)"
        if let line = sources[diagnostic.location.file]?.line(diagnostic.location.line) {
            let shown = line.replacingOccurrences(of: "\t", with: " ")
            let indent = String(repeating: " ", count: max(0, diagnostic.location.column - 1))
            let available = max(1, shown.count - (diagnostic.location.column - 1))
            let underline = "^" + String(repeating: "~", count: max(0, min(diagnostic.length, available) - 1))
            out += "\n    \(shown)\n    \(indent)\(underline)"
        }
        return out
    }

    /// All diagnostics as text, separated by newlines, with a count line at the end.
    public func text(_ diagnostics: [Diagnostic]) -> String {
        var parts = diagnostics.map(text)
        let errors = diagnostics.filter { $0.severity == .error }.count
        let warnings = diagnostics.filter { $0.severity == .warning }.count
        if errors + warnings > 0 {
            parts.append("\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")")
        }
        return parts.joined(separator: "\n")
    }

    /// A JSON array of `{file, line, column, severity, message, suggestion?}` objects.
    public func json(_ diagnostics: [Diagnostic]) -> String {
        let items = diagnostics.map { d -> JSONValue in
            var fields: [(String, JSONValue)] = [
                ("file", .string(d.location.file)),
                ("line", .int(d.location.line)),
                ("column", .int(d.location.column)),
                ("severity", .string(d.severity.rawValue)),
                ("message", .string(d.fullMessage)),
            ]
            if let s = d.suggestion { fields.append(("suggestion", .string(s))) }
            return .object(fields)
        }
        return JSONValue.array(items).rendered(pretty: true)
    }
}
