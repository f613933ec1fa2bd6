/// One `key: value` pair of a YAML mapping.
public struct YAMLEntry: Sendable {
    /// The key and where it was written.
    public var key: Located<String>
    /// The value.
    public var value: YAMLNode

    /// Creates an entry.
    public init(key: Located<String>, value: YAMLNode) {
        self.key = key
        self.value = value
    }
}
