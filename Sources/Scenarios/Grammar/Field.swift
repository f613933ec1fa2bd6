/// One key an object may have.
public struct Field: Sendable {
    /// The key.
    public var name: String
    /// What its value must look like.
    public var shape: Shape
    /// Whether the key must be present.
    public var required: Bool
    /// One line of documentation, shown by editors through the schema.
    public var doc: String

    /// Creates a field.
    public init(_ name: String, _ shape: Shape, required: Bool = false, _ doc: String) {
        self.name = name
        self.shape = shape
        self.required = required
        self.doc = doc
    }
}
