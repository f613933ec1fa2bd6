/// A mapping with a fixed set of keys.
public struct ObjectShape: Sendable {
    /// What the object is called in messages ("step", "vm role").
    public var name: String
    /// The keys it may have.
    public var fields: [Field]
    /// Groups of keys of which exactly one must be present (a step's action).
    public var exactlyOne: [String]

    /// Creates an object shape.
    public init(_ name: String, _ fields: [Field], exactlyOne: [String] = []) {
        self.name = name
        self.fields = fields
        self.exactlyOne = exactlyOne
    }

    /// The field for a key, if the object has one.
    public func field(_ key: String) -> Field? { fields.first { $0.name == key } }
}
