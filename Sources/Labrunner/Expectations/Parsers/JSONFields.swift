import Foundation

/// Reads a QMP reply (`{"return": {...}}`) or a bare JSON object out of a step's output.
enum JSONFields {
    /// The object, unwrapping `return`, or nil when the output is not JSON.
    static func object(_ output: String) -> [String: Any]? {
        guard let start = output.firstIndex(of: "{"),
              let json = try? JSONSerialization.jsonObject(with: Data(output[start...].utf8)) as? [String: Any] else { return nil }
        return json["return"] as? [String: Any] ?? json
    }
}
