import Foundation
import Scenarios

/// Reads a QMP reply (`{"return": {...}}`) or a bare JSON object out of a step's output.
enum JSONFields {
    /// The top-level object of one JSON text, or nil.
    static func parse(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }

    /// A JSON text as a `JSONValue` (object keys sorted; QMP does not care about order).
    static func value(_ text: String) -> JSONValue {
        func convert(_ any: Any) -> JSONValue {
            switch any {
            case let s as String: return .string(s)
            case let n as NSNumber:
                // Foundation on Linux hands JSON booleans back as NSNumbers of type char.
                if String(cString: n.objCType) == "c" { return .bool(n.boolValue) }
                return n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 1e15 ? .int(n.intValue) : .double(n.doubleValue)
            case let a as [Any]: return .array(a.map(convert))
            case let o as [String: Any]: return .object(o.keys.sorted().map { ($0, convert(o[$0]!)) })
            default: return .null
            }
        }
        guard let any = try? JSONSerialization.jsonObject(with: Data(text.utf8)) else { return .string(text) }
        return convert(any)
    }

    /// The object, unwrapping `return`, or nil when the output is not JSON.
    static func object(_ output: String) -> [String: Any]? {
        guard let start = output.firstIndex(of: "{"),
              let json = try? JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any] else { return nil }
        return json["return"] as? [String: Any] ?? json
    }
}
