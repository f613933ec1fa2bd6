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
            return (
                nil,
                [
                    Diagnostic(
                        .error, "file contains a control character (binary data?); YAML text cannot contain it", at: source.location(line: line, column: column)
                    )
                ]
            )
        }
        return (source, [])
    }

    /// Parses one YAML document. Returns nil with diagnostics when the text is not a usable document.
    public func load(_ source: SourceFile) -> (YAMLNode?, [Diagnostic]) {
        if let d = firstTabIndent(source) { return (nil, [d]) }
        if let d = tooDeep(source) { return (nil, [d]) }
        let root: Node?
        do {
            root = try Yams.compose(yaml: source.text, .basic)
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
            return (
                nil,
                [
                    Diagnostic(
                        .error, "document expands to more than \(maxNodes) nodes through aliases; remove the alias chain",
                        at: source.location(line: 1, column: 1))
                ]
            )
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
                    diagnostics.append(
                        Diagnostic(.error, "mapping keys must be plain words, not \(key.sequence != nil ? "a list" : "a mapping")", at: keyLocation))
                    continue
                }
                if k.string == "<<" {
                    diagnostics.append(Diagnostic(.error, "merge keys ('<<') are not supported; use 'include:' or a template", at: keyLocation, length: 2))
                    continue
                }
                entries.append(
                    YAMLEntry(
                        key: Located(k.string, at: keyLocation),
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
            let at = source.location(line: max(1, mark.line), column: max(1, mark.column))
            guard let context, context.mark.line >= 1 else { return Diagnostic(.error, "YAML syntax: \(problem)", at: at) }
            // Point at where the unfinished construct starts; say where libyaml gave up.
            return Diagnostic(
                .error, "YAML syntax: \(problem) \(context.text) that starts here (found at \(at.line):\(at.column))",
                at: source.location(line: context.mark.line, column: max(1, context.mark.column)))
        case .duplicatedKeysInMapping(let duplicates, let context):
            let key = duplicates.first ?? "?"
            let at =
                secondOccurrence(of: key, after: context.mark, in: source)
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
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var blockIndent: Int?
        for (index, line) in source.lines.enumerated() {
            let bytes = Array(line.utf8)
            let spaces = bytes.prefix { $0 == space }.count
            let leading = bytes.prefix { $0 == space || $0 == tab }.count
            let blank = leading == bytes.count
            if let indent = blockIndent {
                if blank || spaces > indent { continue }
                blockIndent = nil
            }
            if !blank, let tabAt = bytes[..<leading].firstIndex(of: tab) {
                return Diagnostic(
                    .error, "tab character in indentation; YAML indentation must use spaces", at: source.location(line: index + 1, column: tabAt + 1))
            }
            var end = bytes.count
            while end > 0 && (bytes[end - 1] == space || bytes[end - 1] == tab) { end -= 1 }
            var last = end
            if last > 0 && (bytes[last - 1] == UInt8(ascii: "-") || bytes[last - 1] == UInt8(ascii: "+")) { last -= 1 }
            if last > 0 && (bytes[last - 1] == UInt8(ascii: "|") || bytes[last - 1] == UInt8(ascii: ">")) { blockIndent = spaces }
        }
        return nil
    }

    private func tooDeep(_ source: SourceFile) -> Diagnostic? {
        var indents: [Int] = []
        var flow = 0
        let space = UInt8(ascii: " "), dash = UInt8(ascii: "-"), hash = UInt8(ascii: "#")
        for (index, line) in source.lines.enumerated() {
            let bytes = Array(line.utf8)
            let indent = bytes.prefix { $0 == space }.count
            if indent == bytes.count || bytes[indent] == hash { continue }
            if flow == 0 {
                while let last = indents.last, last > indent { indents.removeLast() }
                if indents.last != indent { indents.append(indent) }
                let dashes = bytes[indent...].prefix { $0 == dash || $0 == space }.filter { $0 == dash }.count
                if indents.count + dashes > maxDepth {
                    return Diagnostic(
                        .error, "nesting deeper than \(maxDepth) levels; flatten the document", at: source.location(line: index + 1, column: indent + 1))
                }
            }
            var quote: UInt8?
            var previous = space
            for (offset, byte) in bytes.enumerated() {
                defer { previous = byte }
                if let q = quote {
                    if byte == q { quote = nil }
                    continue
                }
                switch byte {
                case hash where previous == space:
                    break
                case UInt8(ascii: "\""), UInt8(ascii: "'"):
                    if previous == space || previous == UInt8(ascii: "[") || previous == UInt8(ascii: "{") || previous == UInt8(ascii: ",") { quote = byte }
                    continue
                case UInt8(ascii: "["), UInt8(ascii: "{"):
                    flow += 1
                    if flow + indents.count > maxDepth {
                        return Diagnostic(
                            .error, "nesting deeper than \(maxDepth) levels; flatten the document", at: source.location(line: index + 1, column: offset + 1))
                    }
                    continue
                case UInt8(ascii: "]"), UInt8(ascii: "}"):
                    flow = max(0, flow - 1)
                    continue
                default:
                    continue
                }
                break
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
