/// What a step does: exactly one action.
public indirect enum Action: Sendable {
    /// Shell command.
    case run(String)
    /// Line typed into a session; `prompt` overrides what to wait for.
    case send(String, prompt: String?)
    /// QMP command.
    case qmp(QMPCommand)
    /// HMP command.
    case hmp(String)
    /// libvirt operation.
    case libvirt(LibvirtAction)
    /// testpmd runtime command to a forwarder.
    case forwarderCommand(String)
    /// Start a forwarder role in a session.
    case forwarderStart(Located<String>)
    /// Traffic.
    case traffic(TrafficSpec)
    /// Pause or poll.
    case wait(WaitSpec)
    /// File copy.
    case copy(CopySpec)
    /// Start a VM role; `incoming` starts it waiting for a migration there (a round's way back starts
    /// the source role the way its destination partner was written).
    case vmStart(Located<String>, incoming: String? = nil)
    /// Stop a VM role.
    case vmStop(Located<String>)
    /// Hot-plug (true) or unplug (false) a NIC of a VM role.
    case vmNIC(Located<String>, nic: Located<String>, plug: Bool)
    /// A group of steps.
    case block([Step], always: [Step], parallel: Bool)

    /// The action's keyword, as in the plan's `action` field.
    public var keyword: String {
        switch self {
        case .run: "run"
        case .send: "send"
        case .qmp: "qmp"
        case .hmp: "hmp"
        case .libvirt: "libvirt"
        case .forwarderCommand, .forwarderStart: "fastpath"
        case .traffic: "traffic"
        case .wait: "wait"
        case .copy: "copy"
        case .vmStart, .vmStop, .vmNIC: "vm"
        case .block: "block"
        }
    }
}
