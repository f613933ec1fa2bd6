import Scenarios

extension JSONValue {
    /// The JSON object in a step's output (from its first `{`), unwrapping QMP's `return`; nil when the
    /// output holds no JSON object.
    static func reply(in output: String) -> JSONValue? {
        // What follows the object (a step's stderr, after its stdout) is not part of it.
        guard let start = output.firstIndex(of: "{"), let end = output.lastIndex(of: "}"), start < end,
            let json = JSONValue(parsing: output[start...end]), case .object = json
        else { return nil }
        if let inner = json["return"], case .object = inner { return inner }
        return json
    }
}
