/// A value captured from a step's output into a name later steps and checks can use.
public struct CaptureSpec: Sendable {
    /// The name.
    public var name: Located<String>
    /// Regex with a group.
    public var regex: String?
    /// Group number.
    public var group: Int
    /// Unit of the number captured.
    public var unit: Unit?
    /// Typed parser.
    public var parser: ParserKind?
}
