extension YAMLNode {
    /// The node as JSON, typing plain scalars the way YAML 1.2's core schema does (quoted stays text).
    public var json: JSONValue {
        switch self {
        case .scalar(let s, let quoted, _):
            if quoted { return .string(s) }
            if s.isEmpty || s == "null" || s == "~" { return .null }
            if s == "true" { return .bool(true) }
            if s == "false" { return .bool(false) }
            if let i = Int(s) { return .int(i) }
            if let d = Double(s), s.contains(".") { return .double(d) }
            return .string(s)
        case .sequence(let items, _):
            return .array(items.map(\.json))
        case .mapping(let entries, _):
            return .object(entries.map { ($0.key.value, $0.value.json) })
        }
    }
}
