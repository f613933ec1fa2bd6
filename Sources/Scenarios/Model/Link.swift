/// A cable between two role ports.
public struct Link: Sendable {
    /// One end, role:port.
    public var a: Located<String>
    /// The other end.
    public var b: Located<String>
}
