/// The traffic generator.
public struct TrafficGenSpec: Sendable {
    /// Host role it runs on, if any.
    public var host: Located<String>?
    /// Ports.
    public var ports: [String]
    /// Real equipment name.
    public var equipment: String?
}
