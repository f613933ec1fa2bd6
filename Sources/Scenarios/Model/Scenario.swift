/// A scenario after includes and templates are expanded and params substituted.
public struct Scenario: Sendable {
    /// Short name.
    public var name: String
    /// Title.
    public var title: String
    /// Guide chapter.
    public var guide: String?
    /// Overview.
    public var doc: String?
    /// The file it came from.
    public var file: String
    /// Capabilities the lab must have.
    public var requires: [Located<String>]
    /// Params, in order.
    public var params: [Param]
    /// The values params have in this compilation (the scenario's defaults, the lab's, --set).
    public var paramValues: [String: String]
    /// Where each param's value came from.
    public var paramSources: [String: ParamSource] = [:]
    /// Roles, in order.
    public var roles: [Role]
    /// Links.
    public var links: [Link]
    /// Sessions, in order.
    public var sessions: [Session]
    /// Steps.
    public var steps: [Step]
    /// Steps run at the end whatever happened.
    public var always: [Step]
    /// The block `--rounds` repeats, and what swaps on the way back.
    public var rounds: RoundsSpec?
    /// The results template's lines, in order.
    public var results: [ResultField] = []
    /// The path's hops and the count each captured, in path order.
    public var hops: [ResultField] = []

    /// The role with a name.
    public func role(_ name: String) -> Role? { roles.first { $0.name.value == name } }
    /// The session with a name.
    public func session(_ name: String) -> Session? { sessions.first { $0.name.value == name } }

    /// Forwarder role → the VM role it runs in (forwarders placed in guests only).
    public var forwarderPlacements: [String: String] {
        var out: [String: String] = [:]
        for role in roles where role.kind == .forwarder {
            if let on = role.placement?.value, self.role(on)?.kind == .vm { out[role.name.value] = on }
        }
        return out
    }
}
