extension SemanticChecker {
    private struct Endpoint {
        let host: String
        let path: String
        let server: Bool
        let owner: String
        let location: SourceLocation
    }

    /// Every vhost-user socket has exactly one server and one client on the same host.
    func checkVhostUserSockets() -> [Diagnostic] {
        var endpoints: [Endpoint] = []
        var problems: [Diagnostic] = []
        for role in scenario.roles {
            if let vm = role.vm, let host = hostName(of: role) {
                for nic in vm.nics where nic.type == "vhost-user" {
                    guard let socket = nic.socket else { continue }
                    endpoints.append(
                        Endpoint(
                            host: host, path: socket.value, server: nic.mode == "server",
                            owner: "vm '\(role.name.value)' nic '\(nic.id.value)'", location: socket.location))
                }
            }
            if let fwd = role.forwarder {
                let on = scenario.role(fwd.on.value)
                for vdev in fwd.vdevs {
                    guard let parsed = VdevSpec(vdev.value) else {
                        problems.append(
                            Diagnostic(
                                .error, "vdev '\(vdev.value)' has no device name (like net_vhost0,iface=…); in a [flow list], quote vdevs that contain commas",
                                at: vdev.location, length: vdev.value.count))
                        continue
                    }
                    guard let path = parsed.socketPath else { continue }
                    var hostPath = path
                    let host: String
                    if let on, on.kind == .vm {
                        host = "vm:" + on.name.value
                    } else if let on, let container = on.container {
                        guard let mapped = container.hostPath(for: path) else { continue }
                        hostPath = mapped
                        host = container.host.value
                    } else {
                        host = fwd.on.value
                    }
                    endpoints.append(
                        Endpoint(
                            host: host, path: hostPath, server: parsed.isServer,
                            owner: "forwarder '\(role.name.value)' vdev '\(parsed.name)'", location: vdev.location))
                }
            }
        }
        var out = problems
        let groups = Dictionary(grouping: endpoints) { "\($0.host)|\($0.path)" }
        for key in groups.keys.sorted() {
            let group = groups[key]!
            let servers = group.filter(\.server), clients = group.filter { !$0.server }
            let path = group[0].path
            if servers.count > 1 {
                out.append(
                    Diagnostic(
                        .error, "vhost-user socket \(path) has two servers (\(servers[0].owner) and \(servers[1].owner)); make one of them a client",
                        at: servers[1].location))
            }
            if clients.count > 1 {
                out.append(
                    Diagnostic(
                        .error, "vhost-user socket \(path) has two clients (\(clients[0].owner) and \(clients[1].owner)); give each its own socket",
                        at: clients[1].location))
            }
            if servers.isEmpty, let c = clients.first {
                out.append(
                    Diagnostic(
                        .error,
                        "vhost-user socket \(path) has no server: \(c.owner) connects to it, but nothing listens (a forwarder vdev net_vhostN,iface=\(path), or a VM NIC with mode: server)",
                        at: c.location))
            }
            if clients.isEmpty, let s = servers.first {
                out.append(
                    Diagnostic(
                        .error,
                        "vhost-user socket \(path) has no client: \(s.owner) listens, but nothing connects (a VM NIC with socket: \(path), or a virtio_user vdev)",
                        at: s.location))
            }
        }
        return out
    }

    /// No MAC address is used twice (a migration target may reuse its source VM's MACs).
    func checkMACs() -> [Diagnostic] {
        var seen: [MACAddress: (owner: String, vm: Role?, location: SourceLocation)] = [:]
        var out: [Diagnostic] = []
        for role in scenario.roles {
            let macs: [(String, Located<MACAddress>)]
            if let vm = role.vm {
                macs = vm.nics.compactMap { nic in nic.mac.map { ("nic '\(nic.id.value)' of vm '\(role.name.value)'", $0) } }
            } else if let host = role.host {
                macs = host.nics.compactMap { nic in nic.mac.map { ("nic '\(nic.name.value)' of host '\(role.name.value)'", $0) } }
            } else {
                continue
            }
            for (owner, mac) in macs {
                if let first = seen[mac.value] {
                    let migrationPair = role.vm != nil && first.vm?.vm != nil && (role.vm?.incoming != nil) != (first.vm?.vm?.incoming != nil)
                    if !migrationPair {
                        out.append(
                            Diagnostic(
                                .error, "MAC \(mac.value) of \(owner) is already used by \(first.owner) at \(first.location)", at: mac.location,
                                length: mac.value.description.count))
                    }
                } else {
                    seen[mac.value] = (owner, role.vm != nil ? role : nil, mac.location)
                }
            }
        }
        return out
    }

    /// Core lists on one host (VM pinning, forwarder lcores) do not overlap and stay within the host's cores;
    /// forwarders in a VM use cores the VM has.
    func checkCores() -> [Diagnostic] {
        struct Use {
            let owner: String
            let cores: Located<CoreList>
        }
        var perHost: [String: [Use]] = [:]
        var out: [Diagnostic] = []
        for role in scenario.roles {
            if let vm = role.vm, let pin = vm.pin {
                perHost[vm.host.value, default: []].append(Use(owner: "vm '\(role.name.value)' pin", cores: pin))
                if pin.value.cores.count < vm.vcpus.value {
                    out.append(
                        Diagnostic(
                            .warning, "vm '\(role.name.value)' has \(vm.vcpus.value) vCPUs pinned to \(pin.value.cores.count) cores; vCPUs will share cores",
                            at: pin.location))
                }
            }
            if let fwd = role.forwarder, let on = scenario.role(fwd.on.value) {
                let key = on.kind == .vm ? "vm:" + on.name.value : (on.container?.host.value ?? on.name.value)
                perHost[key, default: []].append(Use(owner: "forwarder '\(role.name.value)' lcores", cores: fwd.lcores))
                if let vm = on.vm, let highest = fwd.lcores.value.cores.last, highest >= vm.vcpus.value {
                    out.append(
                        Diagnostic(
                            .error,
                            "forwarder '\(role.name.value)' uses lcore \(highest), but vm '\(on.name.value)' has only \(vm.vcpus.value) vCPUs (0-\(vm.vcpus.value - 1))",
                            at: fwd.lcores.location))
                }
            }
        }
        for host in perHost.keys.sorted() {
            let uses = perHost[host]!
            if let available = scenario.role(host)?.host?.cores {
                for use in uses {
                    let outside = Set(use.cores.value.cores).subtracting(available.value.cores).sorted()
                    if !outside.isEmpty {
                        out.append(
                            Diagnostic(
                                .error,
                                "\(use.owner) \(use.cores.value) includes core(s) \(CoreList(outside)) that host '\(host)' does not have (cores: \(available.value))",
                                at: use.cores.location))
                    }
                }
            }
            for i in uses.indices {
                for j in uses.indices where j > i {
                    let overlap = Set(uses[i].cores.value.cores).intersection(uses[j].cores.value.cores)
                    if !overlap.isEmpty {
                        out.append(
                            Diagnostic(
                                .error,
                                "\(uses[j].owner) \(uses[j].cores.value) overlaps \(uses[i].owner) \(uses[i].cores.value) on core(s) \(CoreList(Array(overlap))) of '\(host.replacingOccurrences(of: "vm:", with: ""))'",
                                at: uses[j].cores.location))
                    }
                }
            }
        }
        return out
    }

    /// Guests fit in their host's memory and hugepages; vhost-user guests have shared memory.
    func checkMemory() -> [Diagnostic] {
        var out: [Diagnostic] = []
        for hostRole in scenario.roles where hostRole.kind == .host {
            let host = hostRole.host!
            // A migration target is the same guest as its source: count it on its own host only.
            let guests = scenario.roles.filter { $0.vm?.host.value == hostRole.name.value }
            let total = guests.reduce(0.0) { $0 + ($1.vm?.memory.value.base ?? 0) }
            if let budget = host.memory, total > budget.value.base, let last = guests.last?.vm {
                out.append(
                    Diagnostic(
                        .error,
                        "VMs on host '\(hostRole.name.value)' need \(Self.mib(total)) MiB but it has \(Self.mib(budget.value.base)) MiB (memory: \(budget.value))",
                        at: last.memory.location))
            }
            if let pages = host.hugepages {
                let hugeGuests = guests.filter { $0.vm?.backing?.type == "hugepages" }
                let need = hugeGuests.reduce(0.0) { $0 + ($1.vm?.memory.value.base ?? 0) }
                let have = pages.size.base * Double(pages.count)
                if need > have, let last = hugeGuests.last?.vm {
                    out.append(
                        Diagnostic(
                            .error,
                            "hugepage-backed VMs on host '\(hostRole.name.value)' need \(Self.mib(need)) MiB but it reserves \(Self.mib(have)) MiB (\(pages.count) × \(pages.size))",
                            at: last.memory.location))
                }
            }
        }
        for role in scenario.roles {
            guard let vm = role.vm else { continue }
            if let nic = vm.nics.first(where: { $0.type == "vhost-user" }), !(vm.backing?.isShared ?? false) {
                out.append(
                    Diagnostic(
                        .error,
                        "vm '\(role.name.value)' has vhost-user nic '\(nic.id.value)' but its memory is not shared; add backing: {type: memfd, share: true}",
                        at: nic.id.location, length: nic.id.value.count))
            }
            for fwd in scenario.roles.compactMap(\.forwarder) where fwd.on.value == role.name.value {
                if let m = fwd.memory, m.base > vm.memory.value.base {
                    out.append(Diagnostic(.error, "forwarder in vm '\(role.name.value)' asks for \(m) but the VM has \(vm.memory.value)", at: fwd.on.location))
                }
            }
        }
        return out
    }

    private static func mib(_ bytes: Double) -> Int { Int((bytes / 1_048_576).rounded()) }
}
