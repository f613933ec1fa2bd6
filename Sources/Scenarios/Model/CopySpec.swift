/// A file copied to a role.
public struct CopySpec: Sendable {
    /// Local source.
    public var src: String
    /// Destination on the role.
    public var dest: String
    /// File mode.
    public var mode: String?
}
