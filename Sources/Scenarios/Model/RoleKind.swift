/// What a role is.
public enum RoleKind: String, Sendable {
    case host, vm, container, forwarder
    case switchDevice = "switch"
    case trafficgen
}
