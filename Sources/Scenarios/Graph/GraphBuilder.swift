import Foundation
import TestpmdCommands

/// Compiles a checked scenario against a lab into a StepGraph: binds host roles to lab hosts,
/// resolves `${role.attr}`, renders every command, orders steps, and marks skipped ones with why.
public struct GraphBuilder: Sendable {
    /// The scenario.
    public let scenario: Scenario
    /// The lab.
    public let lab: Lab

    /// Creates a builder.
    public init(scenario: Scenario, lab: Lab) {
        self.scenario = scenario
        self.lab = lab
    }

    /// The graph, and problems binding the scenario to the lab.
    public func build() -> (StepGraph, [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        let hostRoles = scenario.roles.filter { $0.kind == .host }
        let devices = scenario.roles.filter { ($0.kind == .switchDevice || $0.kind == .trafficgen) && $0.placement == nil }
        let (bound, problems) = lab.bind(hostRoles: hostRoles.map(\.name.value), deviceRoles: devices.map(\.name.value))
        for problem in problems {
            diagnostics.append(Diagnostic(.error, problem, at: SourceLocation(file: lab.file, line: 1, column: 1)))
        }
        let planner = StepPlanner(scenario: scenario, lab: lab, hosts: bound)
        let flat = StepFlattener(scenario)
        // A skipped step counts as done for its dependents: the guide's variants ("For Fortville…")
        // and optional preparation are skipped alone; a scenario that cannot run without a
        // capability says so in its top-level `requires`.
        let planned = flat.steps.map(planner.plan)
        diagnostics += unimplementedForwarderCommands(planned)
        diagnostics += optionsTheHostsDPDKLacks(planned, planner)
        diagnostics += portsOnNICsBoundAway(planned, planner)
        diagnostics += vmsThatBootNothing(planned)
        var bindings: [String: LabHost] = [:]
        for name in scenario.roles.map(\.name.value) + scenario.sessions.map(\.name.value) {
            bindings[name] = planner.labHost(for: name)
        }
        var graph = StepGraph(
            scenario: scenario.name, title: scenario.title, lab: lab.name,
            params: scenario.params.map { ($0.name.value, scenario.paramValues[$0.name.value] ?? "") },
            steps: Self.ordered(planned), bindings: bindings,
            sessions: Dictionary(scenario.sessions.map { ($0.name.value, ($0.on.value, $0.console, $0.prompt)) }, uniquingKeysWith: { a, _ in a }),
            monitors: planner.monitorSockets, consoles: planner.consoleSockets, virtualLab: lab.isVirtual)
        graph.forwarderPlacements = scenario.forwarderPlacements
        graph.domains = Dictionary(scenario.roles.compactMap { r in r.vm.map { (r.name.value, $0.name ?? r.name.value) } }, uniquingKeysWith: { a, _ in a })
        graph.paramSources = scenario.paramSources
        func resolved(_ fields: [ResultField]) -> [ResultField] {
            fields.map { ResultField(label: $0.label, text: Located(planner.resolve($0.text.value), at: $0.text.location)) }
        }
        graph.results = resolved(scenario.results)
        graph.hops = resolved(scenario.hops)
        if lab.isVirtual {
            graph.wires = Wire.plan(scenario, bindings: bindings)
            graph.steeredNICs = scenario.roles.flatMap {
                SteeredNIC.on($0.host, namespace: bindings[$0.name.value]?.namespace, lab: lab, steering: SteeredNIC.steers(scenario))
            }
            graph.emulatedPFs = scenario.roles.filter { $0.kind == .host }.flatMap { role in
                EmulatedPF.on(role, scenario: scenario, lab: lab).map {
                    var pf = $0
                    pf.namespace = bindings[role.name.value]?.namespace
                    return pf
                }
            }
            let renamed =
                graph.steeredNICs.map { ($0.namespace, $0.pf, $0.uplink) }
                + graph.kernelPFs.compactMap { pf in pf.namespace.map { ($0, pf.interface, pf.uplink) } }
            for (namespace, pf, uplink) in renamed {
                for i in graph.wires.indices {
                    if graph.wires[i].a.namespace == namespace && graph.wires[i].a.interface == pf { graph.wires[i].a.interface = uplink }
                    if graph.wires[i].b?.namespace == namespace && graph.wires[i].b?.interface == pf { graph.wires[i].b?.interface = uplink }
                }
            }
            graph.management = ("\(lab.namespacePrefix).mgmt", Int(lab.subnet.split(separator: "/").last ?? "") ?? 24)
            graph.sshClient = lab.sshClient
            // A virtual host whose libvirt a step calls (or migrates to) gets a libvirtd of its own.
            let calls = planned.filter { $0.skip == nil }.compactMap(\.libvirtCall)
            let uris = Set(calls.map(\.uri) + calls.filter { $0.action == "migrate" }.compactMap(\.argument))
            let hosts = bindings.values.filter { $0.namespace != nil && uris.contains(lab.libvirtURI(of: $0)) }
            graph.libvirtHosts = Dictionary(hosts.map { ($0.namespace!, $0) }, uniquingKeysWith: { a, _ in a }).values.sorted { $0.name < $1.name }
            for role in scenario.roles {
                guard let spec = role.container, let host = bindings[role.name.value], let namespace = host.namespace else { continue }
                let volumes = spec.volumes.compactMap { volume -> ContainerPlan.Volume? in
                    let parts = planner.resolve(volume.value).split(separator: ":").map(String.init)
                    return parts.count >= 2 ? ContainerPlan.Volume(source: parts[0], target: parts[1]) : nil
                }
                graph.containers[role.name.value] = ContainerPlan(
                    name: role.name.value, namespace: namespace, volumes: volumes,
                    hugepageMount: scenario.role(spec.host.value)?.host?.hugepages?.mount,
                    directory: "\(host.workdir)/containers/\(role.name.value)")
            }
        }
        return (graph, diagnostics)
    }

    /// A warning for each step that will run and sends a forwarder a testpmd command the lab's program
    /// for it (FastPath) does not implement: on this lab the step would fail.
    func unimplementedForwarderCommands(_ planned: [PlannedStep]) -> [Diagnostic] {
        planned.compactMap { step in
            guard step.skip == nil, case .forwarderCommand(let name, let text) = step.action, let role = scenario.role(name),
                lab.program(running: role) == "fastpath", TestpmdCommand.matching(text)?.fastPath == false
            else { return nil }
            return Diagnostic(
                .warning,
                "step '\(step.id)' sends '\(text)' to forwarder '\(name)', which runs FastPath on lab '\(lab.name)': FastPath does not implement it (dpdk-testpmd does), so the step would fail",
                at: step.location)
        }
    }

    /// A warning for each forwarder a step starts with testpmd on a host whose declared DPDK release
    /// lacks one of its line's EAL options (`-a` before 20.11, `-w` from it, `--in-memory` before 18.05, …).
    func optionsTheHostsDPDKLacks(_ planned: [PlannedStep], _ planner: StepPlanner) -> [Diagnostic] {
        planned.flatMap { step -> [Diagnostic] in
            guard step.skip == nil, case .forwarderStart(let name, _, _) = step.action, let role = scenario.role(name) else { return [] }
            let line = planner.forwarderCommandLine(role)
            guard line.program == "testpmd", let dpdk = line.dpdk else { return [] }
            let eal = line.arguments.prefix { $0 != "--" }
            return Set(eal.compactMap { dpdk.lacks($0) }).sorted().map { reason in
                Diagnostic(
                    .warning, "step '\(step.id)' starts '\(name)' with testpmd on a host with DPDK \(dpdk) (the lab's dpdk:), but \(reason)",
                    at: step.location)
            }
        }
    }

    /// An error for each VM role a step starts (QEMU, or a libvirt define) on a real lab with neither a
    /// disk nor a kernel: its QEMU would boot no guest OS. The virtual lab boots its own guest.
    func vmsThatBootNothing(_ planned: [PlannedStep]) -> [Diagnostic] {
        guard !lab.isVirtual else { return [] }
        var started: [String: PlannedStep] = [:]
        for step in planned where step.skip == nil {
            switch step.action {
            case .vmStart(let role, _, _): started[role] = started[role] ?? step
            case .libvirt(let call) where call.action == "define":
                if let role = scenario.roles.first(where: { ($0.vm?.name ?? $0.name.value) == call.domain }) {
                    started[role.name.value] = started[role.name.value] ?? step
                }
            default: break
            }
        }
        return scenario.roles.compactMap { role -> Diagnostic? in
            guard let vm = role.vm, let step = started[role.name.value], vm.disk == nil, vm.kernel == nil else { return nil }
            return Diagnostic(
                .error,
                "vm role '\(role.name.value)' boots nothing on lab '\(lab.name)' (started by step '\(step.id)'): it names no disk: and no kernel:; "
                    + "give it the guest's image on this lab — in the scenario, or for this lab only through a param the lab file sets (params:, or scenarios: \(scenario.name): …)",
                at: role.name.location, length: role.name.value.count)
        }
    }

    /// Userspace drivers a `dpdk-devbind.py -b` takes a NIC to: its kernel interface is gone after.
    static let userspaceDrivers: Set<String> = ["igb_uio", "vfio-pci", "uio_pci_generic"]

    /// A warning for each forwarder a step starts with an af_packet port on a host NIC's interface
    /// (a stand-in for an allowed device, or an explicit vdev) after an earlier step bound that NIC to a
    /// userspace driver: the interface no longer exists then.
    func portsOnNICsBoundAway(_ planned: [PlannedStep], _ planner: StepPlanner) -> [Diagnostic] {
        var bound: [String: PlannedStep] = [:]  // "host/pci" → the step that bound it
        var out: [Diagnostic] = []
        for step in planned where step.skip == nil {
            if case .run(let line, _) = step.action, let host = planner.labHost(for: step.on)?.name {
                for pci in Self.userspaceBinds(in: line) { bound["\(host)/\(pci)"] = step }
            }
            guard case .forwarderStart(let name, _, _) = step.action, let role = scenario.role(name) else { continue }
            let line = planner.forwarderCommandLine(role)
            guard let placement = line.placement, let host = planner.labHost(for: placement.name.value)?.name else { continue }
            for port in Self.afPacketPorts(of: line) {
                guard let binder = bound["\(host)/\(port.pci)"] else { continue }
                out.append(
                    Diagnostic(
                        .warning,
                        "step '\(step.id)' starts '\(name)' with an af_packet port on \(port.interface), but step '\(binder.id)' bound \(port.pci) to a userspace driver before it: "
                            + "\(port.interface) no longer exists then; keep the NIC on its kernel driver for \(line.program == "fastpath" ? "FastPath" : "this port"), or give the forwarder the device (-a)",
                        at: step.location))
            }
        }
        return out
    }

    /// The PCI devices a `dpdk-devbind.py -b DRIVER …` (or `--bind=DRIVER`) in a shell line binds to a
    /// userspace driver.
    static func userspaceBinds(in line: String) -> [PCIAddress] {
        let words = line.split(whereSeparator: { $0 == " " || $0 == ";" || $0 == "&" }).map(String.init)
        guard let tool = words.firstIndex(where: { $0.hasSuffix("dpdk-devbind.py") || $0.hasSuffix("dpdk-devbind") }),
            let flag = words[(tool + 1)...].firstIndex(where: { $0 == "-b" || $0 == "--bind" || $0.hasPrefix("--bind=") })
        else { return [] }
        let driver = words[flag].hasPrefix("--bind=") ? String(words[flag].dropFirst(7)) : (flag + 1 < words.count ? words[flag + 1] : "")
        return userspaceDrivers.contains(driver) ? words[(tool + 1)...].compactMap(PCIAddress.init) : []
    }

    /// A forwarder's af_packet/af_xdp ports on its host's NICs: stand-ins for its allowed devices, and
    /// vdevs naming a NIC's interface.
    static func afPacketPorts(of line: ForwarderCommandLine) -> [(interface: String, pci: PCIAddress)] {
        guard let f = line.role.forwarder else { return [] }
        let nics = line.placement?.host?.nics ?? []
        var ports: [(interface: String, pci: PCIAddress)] = []
        if line.usesNICStandIns { ports += f.allow.compactMap { pci in line.standIn(for: pci).map { ($0, pci) } } }
        for vdev in f.vdevs where vdev.value.hasPrefix("net_af_packet") || vdev.value.hasPrefix("net_af_xdp") {
            let iface = vdev.value.split(separator: ",").first { $0.hasPrefix("iface=") }.map { String($0.dropFirst(6)) }
            if let iface, let pci = nics.first(where: { $0.name.value == iface })?.pci { ports.append((iface, pci)) }
        }
        return ports
    }

    /// Kahn's algorithm, taking the earliest-written ready step first so plans read like the guide.
    static func ordered(_ steps: [PlannedStep]) -> [PlannedStep] {
        let index = Dictionary(steps.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        var pending = steps.map { step in step.after.filter { index[$0] != nil }.count }
        var dependents = [[Int]](repeating: [], count: steps.count)
        for (i, step) in steps.enumerated() {
            for dep in step.after { if let d = index[dep] { dependents[d].append(i) } }
        }
        var ready = MinHeap(pending.indices.filter { pending[$0] == 0 })
        var out: [PlannedStep] = []
        var emitted = [Bool](repeating: false, count: steps.count)
        while let next = ready.pop() {
            out.append(steps[next])
            emitted[next] = true
            for d in dependents[next] {
                pending[d] -= 1
                if pending[d] == 0 { ready.push(d) }
            }
        }
        // A cycle: the checker reports it; keep the rest in written order.
        out += steps.indices.filter { !emitted[$0] }.map { steps[$0] }
        return out
    }
}
