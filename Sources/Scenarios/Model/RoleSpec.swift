/// The kind-specific part of a role.
public enum RoleSpec: Sendable {
    case host(HostSpec)
    case vm(VMSpec)
    case container(ContainerSpec)
    case forwarder(ForwarderSpec)
    case switchDevice(SwitchSpec)
    case trafficgen(TrafficGenSpec)
}
