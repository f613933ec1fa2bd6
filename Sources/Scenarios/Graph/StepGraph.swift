/// The compiled scenario: concrete steps in a dependency order, ready for the engine.
public struct StepGraph: Sendable {
    /// Scenario name and title.
    public var scenario: String, title: String
    /// Lab name.
    public var lab: String
    /// Param values used.
    public var params: [(String, String)]
    /// Where each param's value came from (scenario, lab, --set).
    public var paramSources: [String: ParamSource] = [:]
    /// Steps in a topological order (document order where dependencies allow).
    public var steps: [PlannedStep]
    /// The lab host every role and session runs on (roles of external devices are absent).
    public var bindings: [String: LabHost]
    /// Sessions: name → the role they are open on, their console kind and prompt.
    public var sessions: [String: (role: String, console: String, prompt: String)]
    /// VM role → the QMP socket labrunner reaches its monitor through.
    public var monitors: [String: String]
    /// VM role → the unix socket its serial console is served on (virtual lab).
    public var consoles: [String: String]
    /// Whether the lab is the embedded virtual lab (hosts are namespaces labrunner creates).
    public var virtualLab: Bool
    /// The virtual lab's cables between namespaces (empty on real labs).
    public var wires: [Wire] = []
    /// The virtual lab's emulated NICs with flow steering (their uplinks are the wires' host ends).
    public var steeredNICs: [SteeredNIC] = []
    /// The virtual lab's emulated SR-IOV NICs (the wires' host ends of those whose PF stays with the
    /// kernel are their uplinks).
    public var emulatedPFs: [EmulatedPF] = []
    /// Those whose PF stays with the kernel.
    public var kernelPFs: [EmulatedPF] { emulatedPFs.filter(\.kernelPF) }
    /// Virtual lab hosts that get a libvirtd of their own (their libvirt socket is `libvirtSocket`).
    public var libvirtHosts: [LabHost] = []
    /// The virtual lab's management network: the namespace of its bridge, and the prefix length of the
    /// addresses hosts have on it (`${host.address}`). Nil on real labs.
    public var management: (namespace: String, prefixLength: Int)?
    /// The virtual lab in SSH mode: how labrunner reaches its hosts (`Lab.sshClient`).
    public var sshClient: SSHModeAccess?
    /// Forwarder role → the VM role it is placed in (forwarders in guests only).
    public var forwarderPlacements: [String: String] = [:]
    /// VM role → its domain's name (QEMU's -name, libvirt's <name>): roles that are one guest share it.
    public var domains: [String: String] = [:]
    /// Virtual lab container roles, by name: each is a set of namespaces of its own inside its host's.
    public var containers: [String: ContainerPlan] = [:]
    /// With --rounds: each round's step ids, round 1 first (empty when the run has no rounds).
    public var rounds: [[String]] = []
    /// The results template, lab and role attributes filled in (captures stay references).
    public var results: [ResultField] = []
    /// The path's hops, as `results`.
    public var hops: [ResultField] = []

    /// The step with an id.
    public func step(_ id: String) -> PlannedStep? { steps.first { $0.id == id } }

    /// The length of the longest dependency chain (the critical path, in steps).
    public var depth: Int {
        var level: [String: Int] = [:]
        for step in steps { level[step.id] = 1 + (step.after.compactMap { level[$0] }.max() ?? 0) }
        return level.values.max() ?? 0
    }
}
