import Foundation
import Yams

/// Reads YAML text into `YAMLNode`s, turning every way a file can be bad into a diagnostic:
/// binary data, tabs, runaway nesting, alias bombs, duplicate keys, syntax errors, emptiness.
public struct YAMLLoader: Sendable {
    /// Largest file accepted, in bytes.
    public var maxBytes = 8 << 20
    /// Deepest nesting accepted (block indentation levels plus flow brackets).
    public var maxDepth = 64
    /// Most nodes a document may expand to, counting every alias expansion.
    public var maxNodes = 1_000_000

    /// Creates a loader with the default limits.
    public init() {}

    /// Decodes raw bytes into a source file, or explains why they are not YAML text.
    public func source(path: String, bytes: [UInt8]) -> (SourceFile?, [Diagnostic]) {
        let start = SourceLocation(file: path, line: 1, column: 1)
        if bytes.count > maxBytes {
            return (nil, [Diagnostic(.error, "file is \(bytes.count) bytes; the limit is \(maxBytes) bytes — split it with 'include:'", at: start)])
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            let offset = Self.firstInvalidUTF8(bytes)
            return (nil, [Diagnostic(.error, "file is not UTF-8 text (invalid byte at offset \(offset)); is it a binary file?", at: start)])
        }
        let source = SourceFile(path: path, text: text)
        if let (line, column) = Self.firstControlCharacter(in: source) {
            return (nil, [Diagnostic(.error, "file contains a control character (binary data?); YAML text cannot contain it", at: source.location(line: line, column: column))])
        }
        return (source, [])
    }

    /// Parses one YAML document. Returns nil with diagnostics when the text is not a usable document.
    public func load(_ source: SourceFile) -> (YAMLNode?, [Diagnostic]) {
        if let d = firstTabIndent(source) { return (nil, [d]) }
        if let d = tooDeep(source) { return (nil, [d]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: source.text)
        } catch let error as YamlError {
            return (nil, [diagnostic(for: error, in: source)])
        } catch {
            return (nil, [Diagnostic(.error, "cannot parse YAML: \(error)", at: source.location(line: 1, column: 1))])
        }
        guard let root else {
            return (nil, [Diagnostic(.error, "file is empty; it needs at least a mapping with 'name' and 'steps'", at: source.location(line: 1, column: 1))])
        }
        var budget = maxNodes
        var diagnostics: [Diagnostic] = []
        let node = convert(root, source: source, budget: &budget, diagnostics: &diagnostics)
        if budget < 0 {
            return (nil, [Diagnostic(.error, "document expands to more than \(maxNodes) nodes through aliases; remove the alias chain", at: source.location(line: 1, column: 1))])
        }
        return (node, diagnostics)
    }

    private func convert(_ node: Node, source: SourceFile, budget: inout Int, diagnostics: inout [Diagnostic]) -> YAMLNode {
        budget -= 1
        let location = source.location(line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
        if budget < 0 { return .scalar("", quoted: false, at: location) }
        switch node {
        case .scalar(let s):
            return .scalar(s.string, quoted: s.style != .plain && s.style != .any, at: location)
        case .alias:
            return .scalar("", quoted: false, at: location)
        case .sequence(let seq):
            var items: [YAMLNode] = []
            for item in seq {
                if budget < 0 { break }
                items.append(convert(item, source: source, budget: &budget, diagnostics: &diagnostics))
            }
            return .sequence(items, at: location)
        case .mapping(let map):
            var entries: [YAMLEntry] = []
            for (key, value) in map {
                if budget < 0 { break }
                let keyLocation = source.location(line: key.mark?.line ?? location.line, column: key.mark?.column ?? location.column)
                guard case .scalar(let k) = key else {
                    diagnostics.append(Diagnostic(.error, "mapping keys must be plain words, not \(key.sequence != nil ? "a list" : "a mapping")", at: keyLocation))
                    continue
                }
                if k.string == "<<" {
                    diagnostics.append(Diagnostic(.error, "merge keys ('<<') are not supported; use 'include:' or a template", at: keyLocation, length: 2))
                    continue
                }
                entries.append(YAMLEntry(key: Located(k.string, at: keyLocation),
                                         value: convert(value, source: source, budget: &budget, diagnostics: &diagnostics)))
            }
            return .mapping(entries, at: location)
        }
    }

    private func diagnostic(for error: YamlError, in source: SourceFile) -> Diagnostic {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            var message = "YAML syntax: \(problem)"
            if let context { message += " \(context.text)" }
            return Diagnostic(.error, message, at: source.location(line: max(1, mark.line), column: max(1, mark.column)))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let at = secondOccurrence(of: key, after: context.mark, in: source)
                ?? source.location(line: max(1, context.mark.line), column: max(1, context.mark.column))
            return Diagnostic(.error, "duplicate key '\(key)' in this mapping; each key may appear once", at: at, length: key.count)
        case .reader(let problem, let offset, _, _):
            return Diagnostic(.error, "cannot read YAML: \(problem) at offset \(offset ?? 0)", at: source.location(line: 1, column: 1))
        default:
            return Diagnostic(.error, "cannot parse YAML: \(error)", at: source.location(line: 1, column: 1))
        }
    }

    /// libyaml reports the first occurrence; users need to see the repeated one.
    private func secondOccurrence(of key: String, after mark: Mark, in source: SourceFile) -> SourceLocation? {
        guard let first = source.line(mark.line) else { return nil }
        let indent = first.prefix { $0 == " " || $0 == "-" }.count
        var number = mark.line + 1
        while let line = source.line(number) {
            let lineIndent = line.prefix { $0 == " " || $0 == "-" }.count
            let rest = line.dropFirst(lineIndent)
            if lineIndent == indent, rest.hasPrefix(key + ":") || rest.hasPrefix("\"\(key)\":") || rest.hasPrefix("'\(key)':") {
                return source.location(line: number, column: indent + 1)
            }
            number += 1
        }
        return nil
    }

    private func firstTabIndent(_ source: SourceFile) -> Diagnostic? {
        var inBlockScalar = false
        var blockIndent = 0
        for (index, line) in source.lines.enumerated() {
            let leading = line.prefix { $0 == " " || $0 == "\t" }
            if inBlockScalar {
                let spaces = line.prefix { $0 == " " }.count
                if line.trimmingCharacters(in: .whitespaces).isEmpty || spaces > blockIndent { continue }
                inBlockScalar = false
            }
            if let tab = leading.firstIndex(of: "\t"), leading.count < line.count {
                let column = line.distance(from: line.startIndex, to: tab) + 1
                return Diagnostic(.error, "tab character in indentation; YAML indentation must use spaces", at: source.location(line: index + 1, column: column))
            }
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasSuffix("|") || trimmed.hasSuffix(">") || trimmed.hasSuffix("|-") || trimmed.hasSuffix(">-") {
                inBlockScalar = true
                blockIndent = line.prefix { $0 == " " }.count
            }
        }
        return nil
    }

    private func tooDeep(_ source: SourceFile) -> Diagnostic? {
        var indents: [Int] = []
        var flow = 0
        for (index, line) in source.lines.enumerated() {
            let trimmed = line.drop { $0 == " " }
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.count - trimmed.count
            if flow == 0 {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                let dashes = trimmed.prefix { $0 == "-" || $0 == " " }.filter { $0 == "-" }.count
                if indents.count + dashes > maxDepth {
                    return Diagnostic(.error, "nesting deeper than \(maxDepth) levels; flatten the document", at: source.location(line: index + 1, column: indent + 1))
                }
            }
            var quote: Character?
            var previous: Character = " "
            for (offset, ch) in line.enumerated() {
                defer { previous = ch }
                if let q = quote {
                    if ch == q { quote = nil }
                    continue
                }
                if ch == "#" && previous == " " || ch == "#" && offset == 0 { break }
                if ch == "\"" || ch == "'", previous == " " || previous == "[" || previous == "{" || previous == "," || offset == 0 {
                    quote = ch
                } else if ch == "[" || ch == "{" {
                    flow += 1
                    if flow + indents.count > maxDepth {
                        return Diagnostic(.error, "nesting deeper than \(maxDepth) levels; flatten the document", at: source.location(line: index + 1, column: offset + 1))
                    }
                } else if ch == "]" || ch == "}" {
                    flow = max(0, flow - 1)
                }
            }
        }
        return nil
    }

    private static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var low = 0, high = bytes.count
        while low < high {
            let mid = (low + high) / 2
            if String(validating: bytes[0..<mid], as: UTF8.self) != nil { low = mid + 1 } else { high = mid }
        }
        return max(0, low - 1)
    }

    private static func firstControlCharacter(in source: SourceFile) -> (Int, Int)? {
        for (index, line) in source.lines.enumerated() {
            var column = 1
            for scalar in line.unicodeScalars {
                if scalar.value < 0x20 && scalar != "\t" && scalar != "\r" || scalar.value == 0x7F || scalar == "\u{FFFE}" {
                    return (index + 1, column)
                }
                column += 1
            }
        }
        return nil
    }
}
