import Scenarios

extension JSONValue {
    /// The JSON object in a step's output (from its first `{`), unwrapping QMP's `return`; nil when the
    /// output holds no JSON object.
    static func reply(in output: String) -> JSONValue? {
        guard let start = output.firstIndex(of: "{"), let json = JSONValue(parsing: output[start...]), case .object = json else { return nil }
        if let inner = json["return"], case .object = inner { return inner }
        return json
    }
}
