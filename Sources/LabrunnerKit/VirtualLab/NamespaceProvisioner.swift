import FastPath
import Foundation
import Scenarios

/// Creates the network namespaces that stand for the virtual lab's hosts, recording each in the
/// ledger before anything runs in it, so an interrupted run or `labrunner cleanup` removes them;
/// then their wires, working directories and libvirt daemons.
struct NamespaceProvisioner {
    let graph: StepGraph
    let ledger: Ledger
    /// SSH mode: the directory of the labrunner whose FastPath, pdump and generator the hosts' shells
    /// find on their PATH (as on a lab host labrunner is installed on).
    var tools: String?

    /// The steps that will run on a namespace host, with its namespace.
    private var namespaceSteps: [(step: PlannedStep, namespace: String)] {
        graph.steps.filter { $0.skip == nil }.compactMap { step in step.on.flatMap { graph.bindings[$0]?.namespace }.map { (step, $0) } }
    }

    /// Namespaces of the hosts that steps which will run are on.
    private var stepNamespaces: Set<String> { Set(namespaceSteps.map(\.namespace)) }

    /// Namespaces the graph's steps need (hosts of steps that will run, the ends of their wires, and
    /// hosts whose libvirt they call).
    var namespaces: [String] {
        stepNamespaces.union(wires.flatMap { [$0.a.namespace] + ($0.b.map { [$0.namespace] } ?? []) })
            .union(graph.libvirtHosts.compactMap(\.namespace)).sorted()
    }

    /// Wires whose first end lies in a namespace some step uses.
    var wires: [Wire] {
        let used = stepNamespaces
        return graph.wires.filter { used.contains($0.a.namespace) || $0.b.map { used.contains($0.namespace) } == true }
    }

    /// Creates them; throws with the namespace's name when one already exists or cannot be made.
    func provision() async throws {
        let listed = try await LocalExecutor.run(["ip", "netns", "list"], timeout: .seconds(10)).stdout
        let existing = Set(listed.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) })
        for namespace in namespaces {
            if existing.contains(namespace) {
                throw LabSetupError("namespace \(namespace) already exists (left by an earlier run? run: labrunner cleanup)")
            }
            // Recorded before it exists, so a run killed in between leaves nothing the ledger does not
            // name. Deleting a namespace does not stop what runs in it: kill its processes first.
            await ledger.record(
                kind: "namespace", name: namespace,
                undo: ["sh", "-c", "ip netns pids \(namespace) | xargs -r kill -s KILL; ip netns del \(namespace)"])
            let add = try await LocalExecutor.run(["ip", "netns", "add", namespace], timeout: .seconds(10))
            guard add.status == 0 else {
                throw LabSetupError("ip netns add \(namespace): \(add.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            _ = try await LocalExecutor.run(["ip", "-n", namespace, "link", "set", "lo", "up"], timeout: .seconds(10))
            // No IPv6 autoconfiguration chatter: what crosses a wire is what the scenario sends.
            _ = try await LocalExecutor.run(
                [
                    "ip", "netns", "exec", namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1",
                ], timeout: .seconds(10))
        }
        for (index, wire) in wires.enumerated() { try await plug(wire, index: index) }
        for nic in graph.steeredNICs where namespaces.contains(nic.namespace) { try await emulate(nic) }
        for pf in graph.emulatedPFs where pf.namespace.map(namespaces.contains) == true { try await emulate(pf) }
        try await connectManagement()
        // Each namespace host's working directory (sockets, logs and files the scenario names with ${host.workdir}).
        for host in Set(graph.bindings.values.filter { $0.namespace != nil }.map(\.workdir)) {
            try FileManager.default.createDirectory(atPath: host, withIntermediateDirectories: true)
        }
        for host in graph.libvirtHosts { try await NamespaceLibvirtd(host: host, ledger: ledger).start() }
        try await guardHugepages()
    }

    /// A how-to's hugepage reservation on a namespace host is the machine's own (namespaces do not
    /// separate it): the ledger puts back the count the machine had.
    private func guardHugepages() async throws {
        let counter = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
        guard namespaceSteps.contains(where: { $0.step.command.contains("nr_hugepages") }),
            let now = try? String(contentsOfFile: counter, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines), Int(now) != nil
        else { return }
        await ledger.record(
            kind: "hugepages", name: "2 MiB hugepages reserved on this machine (\(now) before the run)",
            undo: ["sh", "-c", "echo \(now) > \(counter)"])
    }

    /// The management network: each namespace gets `lrmgmt` with its address (`${host.address}`) on one
    /// bridge in a namespace of its own, so hosts reach each other as a real lab's hosts do (a
    /// migration's stream, a libvirtd's peer). Only with two namespaces or more.
    private func connectManagement() async throws {
        guard let management = graph.management else { return }
        var addresses: [String: String] = [:]
        for host in graph.bindings.values { if let ns = host.namespace { addresses[ns] = host.address } }
        let members = namespaces.filter { addresses[$0] != nil }
        guard members.count >= (graph.sshClient == nil ? 2 : 1) else { return }
        let bridge = management.namespace
        await ledger.record(kind: "namespace", name: bridge, undo: ["ip", "netns", "del", bridge])
        let add = try await LocalExecutor.run(["ip", "netns", "add", bridge], timeout: .seconds(10))
        guard add.status == 0 else {
            throw LabSetupError(
                "ip netns add \(bridge): \(add.stderr.trimmingCharacters(in: .whitespacesAndNewlines)) (left by an earlier run? run: labrunner cleanup)")
        }
        var script = [
            "ip netns exec \(bridge) sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1",
            "ip -n \(bridge) link add lrmgmt type bridge", "ip -n \(bridge) link set lrmgmt up",
        ]
        for (index, namespace) in members.enumerated() {
            script += [
                "ip -n \(namespace) link add lrmgmt type veth peer name m\(index) netns \(bridge)",
                "ip -n \(bridge) link set m\(index) master lrmgmt",
                "ip -n \(bridge) link set m\(index) up",
                "ip -n \(namespace) addr add \(addresses[namespace]!)/\(management.prefixLength) dev lrmgmt",
                "ip -n \(namespace) link set lrmgmt up",
            ]
        }
        let result = try await LocalExecutor.run(["sh", "-ec", script.joined(separator: "\n")], timeout: .seconds(30))
        guard result.status == 0 else {
            throw LabSetupError("management network: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        if let client = graph.sshClient {
            try await startSSH(client, bridge: bridge, prefixLength: management.prefixLength, hosts: members.map { ($0, addresses[$0]!) })
        }
    }

    /// SSH mode: labrunner's client namespace on the management bridge, the run's keys (a host key all
    /// hosts share, and the client's), and an sshd in every host's namespace. From here on labrunner
    /// reaches the hosts only over SSH.
    private func startSSH(_ client: SSHModeAccess, bridge: String, prefixLength: Int, hosts: [(namespace: String, address: String)]) async throws {
        await ledger.record(kind: "namespace", name: client.namespace, undo: ["ip", "netns", "del", client.namespace])
        await ledger.record(kind: "ssh keys", name: client.directory, undo: ["rm", "-rf", client.directory])
        let (d, hostKey) = (Shell.quote(client.directory), Shell.quote(client.hostKey))
        let script =
            [
                "ip netns add \(client.namespace)", "ip -n \(client.namespace) link set lo up",
                "ip -n \(client.namespace) link add lrmgmt type veth peer name mssh netns \(bridge)",
                "ip -n \(bridge) link set mssh master lrmgmt", "ip -n \(bridge) link set mssh up",
                "ip -n \(client.namespace) addr add \(client.address)/\(prefixLength) dev lrmgmt", "ip -n \(client.namespace) link set lrmgmt up",
                "rm -rf \(d)", "mkdir -m 700 -p \(d)", "ssh-keygen -q -t ed25519 -N '' -f \(hostKey)",
                "ssh-keygen -q -t ed25519 -N '' -f \(Shell.quote(client.clientKey))",
                "cp \(Shell.quote(client.clientKey)).pub \(Shell.quote(client.authorizedKeys))",
            ] + hosts.map { "echo \"\($0.address) $(cut -d' ' -f1,2 \(hostKey).pub)\" >> \(Shell.quote(client.knownHosts))" }
        let made = try await LocalExecutor.run(["sh", "-ec", script.joined(separator: "\n")], timeout: .seconds(30))
        guard made.status == 0 else { throw LabSetupError("SSH mode: \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        let path = tools.map { "export PATH=\(Shell.quote($0)):$PATH\n" } ?? ""
        for host in hosts {
            try await NamespaceSSHD(
                namespace: host.namespace, address: host.address, directory: client.directory, hostKey: client.hostKey,
                authorizedKeys: client.authorizedKeys, bashrc: path
            ).start()
        }
    }

    /// An emulated NIC with flow steering: veth pairs for the PF and each VF in the host's namespace,
    /// then `labrunner nic create` there (on the uplink the wire made). Its ledger entry detaches it
    /// before the namespace goes (pinned programs would outlive the namespace's interfaces).
    private func emulate(_ nic: SteeredNIC) async throws {
        try EmulatedNIC.mountFilesystem()
        let pairs = [(nic.pfWire, nic.pf)] + (0..<nic.vfs).map { (nic.vfWire($0), nic.vf($0)) }
        var script = [String]()
        for (wire, end) in pairs {
            script += [
                "ip -n \(nic.namespace) link add \(wire) type veth peer name \(end)", "ip -n \(nic.namespace) link set \(wire) up",
                "ip -n \(nic.namespace) link set \(end) up",
            ]
        }
        let links = try await LocalExecutor.run(["sh", "-ec", script.joined(separator: "\n")], timeout: .seconds(30))
        guard links.status == 0 else { throw LabSetupError("emulated NIC \(nic.pf): \(links.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        let inside = ["ip", "netns", "exec", nic.namespace, "labrunner", "nic"]
        await ledger.record(kind: "emulated NIC", name: "\(nic.pf) in \(nic.namespace)", undo: inside + ["destroy", "--pf", nic.pf])
        let create = try await LocalExecutor.run(
            inside + ["create", "--pf", nic.pf, "--model", nic.model, "--uplink", nic.uplink, "--pf-wire", nic.pfWire]
                + (0..<nic.vfs).flatMap { ["--vf-wire", nic.vfWire($0)] }, timeout: .seconds(30))
        guard create.status == 0 else {
            throw LabSetupError("emulated NIC \(nic.pf): \(create.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
    }

    /// An emulated SR-IOV NIC: the veth pairs of the host's own VFs; and for a kernel PF, `labrunner nic
    /// sriov` in the host's namespace, in the background until the ledger stops it, ready once it says so
    /// (its wire and PF TAP open). A DPDK PF's NIC is the PF application's own `net_sriov` port.
    private func emulate(_ pf: EmulatedPF) async throws {
        guard let namespace = pf.namespace else { return }
        // The host's own VFs: veth pairs in its namespace (removed with it).
        for vf in pf.hostVFs {
            guard let end = vf.hostEnd else { continue }
            let script =
                "ip -n \(namespace) link add \(vf.interface) type veth peer name \(end) && ip -n \(namespace) link set \(vf.interface) up && ip -n \(namespace) link set \(end) up"
            let made = try await LocalExecutor.run(["sh", "-ec", script], timeout: .seconds(10))
            guard made.status == 0 else { throw LabSetupError("VF \(end) of \(pf.interface): \(made.stderr.trimmingCharacters(in: .whitespacesAndNewlines))") }
        }
        guard pf.kernelPF else { return }
        // Its log and pid file go in the run directory, beside the ledger that stops it.
        let directory = ledger.file.deletingLastPathComponent().path
        let log = "\(directory)/nic-\(namespace)-\(pf.interface).log", pidFile = "\(directory)/nic-\(namespace)-\(pf.interface).pid"
        await ledger.record(
            kind: "emulated NIC", name: "\(pf.interface) in \(namespace)",
            undo: [
                "sh", "-c",
                "p=$(cat \(pidFile) 2>/dev/null); [ -n \"$p\" ] && kill $p 2>/dev/null; for _ in $(seq 50); do kill -0 $p 2>/dev/null || break; sleep 0.1; done; rm -f \(pidFile); true",
            ])
        let start = "ip netns exec \(namespace) \(Shell.join(pf.kernelPFCommand)) > \(Shell.quote(log)) 2>&1 & echo $! > \(Shell.quote(pidFile))"
        let started = try await LocalExecutor.run(["sh", "-c", start], timeout: .seconds(10))
        guard started.status == 0 else {
            throw LabSetupError("emulated NIC \(pf.interface): \(started.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        for _ in 0..<100 {
            let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            if text.contains("ready") { return }
            if text.contains("Error") || text.contains("error") {
                throw LabSetupError("emulated NIC \(pf.interface): \(text.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw LabSetupError("emulated NIC \(pf.interface) in \(namespace) did not start within 10 s: see \(log)")
    }

    /// Creates one veth pair straight into its namespaces (removed with them), brings both ends up,
    /// and enslaves switch ends to the switch's bridge.
    private func plug(_ wire: Wire, index: Int) async throws {
        let far = wire.b ?? Wire.End(namespace: wire.a.namespace, interface: "lrx\(index)", bridged: false)
        let add = try await LocalExecutor.run(
            [
                "ip", "link", "add", "name", wire.a.interface, "netns", wire.a.namespace, "type", "veth",
                "peer", "name", far.interface, "netns", far.namespace,
            ], timeout: .seconds(10))
        guard add.status == 0 else {
            throw LabSetupError("wire \(wire.a) — \(far): \(add.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
        }
        for end in [wire.a, far] {
            if end.bridged {
                // A flooding switch learns no addresses (ageing time 0): every frame goes out of every port.
                let bridge = "ip -n \(end.namespace) link add lrbr type bridge\(end.flood ? " ageing_time 0" : "") && ip -n \(end.namespace) link set lrbr up"
                _ = try await LocalExecutor.run(["sh", "-c", "ip -n \(end.namespace) link show lrbr >/dev/null 2>&1 || (\(bridge))"], timeout: .seconds(10))
                _ = try await LocalExecutor.run(["ip", "-n", end.namespace, "link", "set", end.interface, "master", "lrbr"], timeout: .seconds(10))
                if end.isolated {
                    let isolate = try await LocalExecutor.run(
                        ["bridge", "-n", end.namespace, "link", "set", "dev", end.interface, "isolated", "on"], timeout: .seconds(10))
                    guard isolate.status == 0 else {
                        throw LabSetupError("isolating switch port \(end): \(isolate.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
                    }
                }
            }
            _ = try await LocalExecutor.run(["ip", "-n", end.namespace, "link", "set", end.interface, "up"], timeout: .seconds(10))
        }
    }
}
