/// A QMP command with its arguments.
public struct QMPCommand: Sendable {
    /// Command name.
    public var execute: String
    /// Arguments object, if any.
    public var arguments: JSONValue?

    /// The wire form, `{"execute": …, "arguments": …}`.
    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("execute", .string(execute))]
        if let arguments { fields.append(("arguments", arguments)) }
        return .object(fields)
    }
}
