/// A named participant of a scenario.
public struct Role: Sendable {
    /// Its name.
    public var name: Located<String>
    /// What it is.
    public var kind: RoleKind
    /// Capabilities it needs.
    public var requires: [Located<String>]
    /// Its description.
    public var doc: String?
    /// Kind-specific fields.
    public var spec: RoleSpec

    /// The VM spec, for VM roles.
    public var vm: VMSpec? { if case .vm(let v) = spec { v } else { nil } }
    /// The host spec, for host roles.
    public var host: HostSpec? { if case .host(let h) = spec { h } else { nil } }
    /// The forwarder spec, for forwarder roles.
    public var forwarder: ForwarderSpec? { if case .forwarder(let f) = spec { f } else { nil } }
    /// The container spec, for container roles.
    public var container: ContainerSpec? { if case .container(let c) = spec { c } else { nil } }

    /// The role this one runs on (a VM's host, a forwarder's host/VM/container), if any.
    public var placement: Located<String>? {
        switch spec {
        case .vm(let v): v.host
        case .container(let c): c.host
        case .forwarder(let f): f.on
        case .trafficgen(let t): t.host
        case .host, .switchDevice: nil
        }
    }
}
