/// A YAML node as labrunner reads it: scalars keep their raw text (typing is the grammar's job),
/// every node keeps where it was written, and mapping keys keep their order.
public indirect enum YAMLNode: Sendable {
    /// A scalar; `quoted` is true for '…' and "…" and block scalars, which are never numbers or booleans.
    case scalar(String, quoted: Bool, at: SourceLocation)
    /// A sequence.
    case sequence([YAMLNode], at: SourceLocation)
    /// A mapping with scalar keys.
    case mapping([YAMLEntry], at: SourceLocation)

    /// Where the node starts.
    public var location: SourceLocation {
        switch self {
        case .scalar(_, _, let at), .sequence(_, let at), .mapping(_, let at): at
        }
    }

    /// The scalar text, if this is a scalar.
    public var scalar: String? {
        if case .scalar(let s, _, _) = self { return s }
        return nil
    }

    /// The entries, if this is a mapping.
    public var entries: [YAMLEntry]? {
        if case .mapping(let e, _) = self { return e }
        return nil
    }

    /// The items, if this is a sequence.
    public var items: [YAMLNode]? {
        if case .sequence(let i, _) = self { return i }
        return nil
    }

    /// The value for a key, if this is a mapping that has it.
    public subscript(key: String) -> YAMLNode? {
        entries?.first { $0.key.value == key }?.value
    }

    /// The kind of node, in the words an error message uses.
    public var kindName: String {
        switch self {
        case .scalar(let s, let quoted, _):
            if s.isEmpty && !quoted { return "an empty value" }
            return "a scalar"
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        }
    }

    /// The length of the node's first line of text, for caret underlines.
    public var width: Int {
        if case .scalar(let s, _, _) = self { return max(1, s.prefix { $0 != "\n" }.count) }
        return 1
    }
}
