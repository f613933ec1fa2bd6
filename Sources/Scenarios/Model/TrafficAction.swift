/// What a traffic step does with the generator.
public enum TrafficAction: String, Sendable, CaseIterable {
    /// Send for the duration and report (the default).
    case run
    /// Start sending in the background.
    case start
    /// Report the interval since the previous lap (or the start) of a background run, which goes on.
    case lap
    /// Search for the highest rates the path carries (NDR, PDR): trials at rates the search picks.
    case search
    /// End a background run and report it.
    case stop

    /// Whether the action acts on a run already going (it takes only the port).
    public var endsARun: Bool { self == .lap || self == .stop }
}
