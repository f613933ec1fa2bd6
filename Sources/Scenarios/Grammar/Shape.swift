/// What a YAML node must look like. The checker and the JSON Schema are both derived from shapes,
/// so the language has exactly one definition.
public indirect enum Shape: Sendable {
    /// A scalar of a format; `choices` restricts it to fixed words.
    case scalar(ScalarFormat, choices: [String]? = nil)
    /// A list of items.
    case list(Shape)
    /// A single item or a list of them.
    case oneOrMany(Shape)
    /// A mapping from user-chosen names to values.
    case dictionary(Shape)
    /// A mapping with fixed keys.
    case object(ObjectShape)
    /// A mapping with fixed keys that depend on the value of a tag key (e.g. a role's `kind`).
    case tagged(key: String, variants: [(String, ObjectShape)])
    /// A scalar of the first shape, or a mapping of the second.
    case scalarOrObject(Shape, ObjectShape)
    /// Any YAML value (QMP arguments).
    case anything
    /// A named shape defined in the grammar's definitions (for recursion: steps inside blocks).
    case ref(String)

    /// Words for error messages.
    public var expected: String {
        switch self {
        case .scalar(let format, let choices):
            if let choices { return "one of " + choices.map { "'\($0)'" }.joined(separator: ", ") }
            return format.expected
        case .list(let item): return "a list of \(item.noun)"
        case .oneOrMany(let item): return "\(item.expected) or a list of them"
        case .dictionary: return "a mapping of names"
        case .object(let o): return "a mapping (\(o.name))"
        case .tagged(let key, _): return "a mapping with '\(key)'"
        case .scalarOrObject(let s, let o): return "\(s.expected) or a mapping (\(o.name))"
        case .anything: return "a value"
        case .ref(let name): return "a mapping (\(name))"
        }
    }

    private var noun: String {
        switch self {
        case .object(let o): return o.name + "s"
        case .tagged(let key, _): return "mappings with '\(key)'"
        case .ref(let name): return name + "s"
        case .scalar(let f, nil): return f == .text ? "strings" : "values (\(f.expected))"
        default: return "values"
        }
    }
}
