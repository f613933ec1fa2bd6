import Foundation

extension JSONValue {
    /// The same value with `transform` applied to every string in it (object keys stay).
    public func mappingStrings(_ transform: (String) -> String) -> JSONValue {
        switch self {
        case .string(let s): .string(transform(s))
        case .array(let items): .array(items.map { $0.mappingStrings(transform) })
        case .object(let fields): .object(fields.map { ($0.0, $0.1.mappingStrings(transform)) })
        default: self
        }
    }

    /// A JSON text (RFC 8259) as a value, object keys sorted (QMP does not care about order); nil when it is not JSON.
    public init?(parsing text: some StringProtocol) {
        guard let any = try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]) else { return nil }
        self = JSONValue(foundation: any)
    }

    private init(foundation any: Any) {
        switch any {
        case let s as String: self = .string(s)
        case let n as NSNumber:
            // Foundation on Linux hands JSON booleans back as NSNumbers of type char.
            if String(cString: n.objCType) == "c" {
                self = .bool(n.boolValue)
            } else {
                self = n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 1e15 ? .int(n.intValue) : .double(n.doubleValue)
            }
        case let a as [Any]: self = .array(a.map { JSONValue(foundation: $0) })
        case let o as [String: Any]: self = .object(o.keys.sorted().map { ($0, JSONValue(foundation: o[$0]!)) })
        default: self = .null
        }
    }

    /// The value of `key` in an object, else nil.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let fields) = self else { return nil }
        return fields.first(where: { $0.0 == key })?.1
    }

    /// The string, if this is one.
    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The Boolean, if this is one.
    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The value as a captured value is written: a string's text, a number's digits, `true`/`false`,
    /// else the compact JSON.
    public var text: String {
        switch self {
        case .string(let s): s
        case .int(let i): String(i)
        case .double(let d): "\(d)"
        case .bool(let b): b ? "true" : "false"
        default: rendered(pretty: false)
        }
    }

    /// The fields of an object, in order (empty for anything else).
    public var fields: [(String, JSONValue)] {
        if case .object(let fields) = self { return fields }
        return []
    }

    /// The elements of an array, if this is one.
    public var elements: [JSONValue]? {
        if case .array(let items) = self { return items }
        return nil
    }

    /// The number, if this is one.
    public var number: Double? {
        switch self {
        case .int(let i): Double(i)
        case .double(let d): d
        default: nil
        }
    }
}
