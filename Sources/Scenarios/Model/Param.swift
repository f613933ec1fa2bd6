/// A typed scenario param.
public struct Param: Sendable {
    /// Its name, as referenced by `${name}`.
    public var name: Located<String>
    /// Its type.
    public var type: ParamType
    /// The default value.
    public var defaultValue: Located<String>
    /// Allowed words (enum).
    public var values: [String]
    /// Lower bound.
    public var min: Quantity?
    /// Upper bound.
    public var max: Quantity?
    /// What it means.
    public var doc: String?

    /// nil when `value` is acceptable, else why not.
    public func problem(with value: String) -> String? {
        if ShellLine.hasControlCharacters(value) {
            return "param '\(name.value)' holds a control character (a newline, a tab, an escape…): values go into command lines, one line each"
        }
        if let p = type.format.problem(with: value) { return "param '\(name.value)': \(p)" }
        if type == .enumeration, !values.contains(value) {
            return "param '\(name.value)' must be one of \(values.joined(separator: ", ")), not '\(value)'"
        }
        if min != nil || max != nil, let q = Quantity(value) {
            if let min, q.base < min.base { return "param '\(name.value)' = \(value) is below its min \(min)" }
            if let max, q.base > max.base { return "param '\(name.value)' = \(value) is above its max \(max)" }
        }
        return nil
    }
}
