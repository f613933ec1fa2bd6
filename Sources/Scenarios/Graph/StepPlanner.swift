import Foundation

/// Plans one concrete step against the lab: its target, its exact command, and why it would be skipped.
struct StepPlanner {
    let scenario: Scenario
    let lab: Lab
    let hosts: [String: LabHost]

    /// The role that stands for a lab host: a host, or a switch or traffic generator of its own.
    func hostRole(of name: String) -> String? {
        var current = scenario.role(name)
        var hops = 0
        while let role = current, role.kind != .host, !(role.placement == nil && (role.kind == .trafficgen || role.kind == .switchDevice)), hops < 8 {
            current = role.placement.flatMap { scenario.role($0.value) }
            hops += 1
        }
        return current?.name.value
    }

    func labHost(for name: String?) -> LabHost? {
        guard let name else { return nil }
        let roleName = scenario.session(name)?.on.value ?? name
        return hostRole(of: roleName).flatMap { hosts[$0] }
    }

    func attribute(_ path: String) -> String? {
        let parts = path.split(separator: ".").map(String.init)
        if parts.count == 2, parts[0] == "lab" {
            switch parts[1] {
            case "name": return lab.name
            case "testpmd": return lab.testpmdPath
            case "fastpath": return lab.fastpathPath
            case "pdump": return lab.pdumpPath
            case "qemu": return lab.qemuPath
            case "ethtool": return lab.ethtoolPath
            default: return nil
            }
        }
        guard parts.count == 2, let role = scenario.role(parts[0]) else { return nil }
        let host = labHost(for: role.name.value)
        switch parts[1] {
        case "address": return host?.address
        case "name": return role.vm?.name ?? role.name.value
        case "namespace": return host?.directNamespace ?? ""
        case "user": return host?.user
        case "workdir": return host?.workdir
        case "libvirt": return host.map(lab.libvirtURI(of:))
        default: return nil
        }
    }

    func resolve(_ text: String) -> String { References.substitute(text, attribute) }

    /// A `run:` or `send:` line with the lab's attributes and the params filled in as data (ShellLine):
    /// each value one word, a lab's tool (`${lab.fastpath}`) the words of its command. Captured values
    /// stay references until the step runs. A line the checker refused (its quotes do not close) is
    /// kept as written.
    /// A VM role's libvirt domain XML on `host`, references resolved.
    func domainXML(_ role: Role, on host: LabHost) -> String {
        resolve(DomainXML(role: role, qemu: QEMUCommandLine(role: role, lab: lab, host: host, runsForwarder: runsForwarder(role))).xml)
    }

    /// Where labrunner's own FastPath (the lab's `fastpath` left at `labrunner fastpath`) must be put for
    /// a program that runs on role `name`'s lab host, when that is an SSH host (no namespace): the role to
    /// copy it to, and what the plan says of it. A lab that names its own fastpath binary has installed it.
    func fastPathCopy(on name: String?) -> (role: String, note: String)? {
        guard lab.fastpathPath == "labrunner fastpath", let name, let host = labHost(for: name), host.directNamespace == nil else { return nil }
        return (name, "FastPath: the host's labrunner at this labrunner's version, else copied to \(host.workdir)/fastpath-<build>")
    }

    /// A forwarder role's command line, for the host it runs on (its DPDK release, when the lab says).
    func forwarderCommandLine(_ role: Role) -> ForwarderCommandLine {
        let placement = role.forwarder.flatMap { scenario.role($0.on.value) }
        let host = placement.flatMap { labHost(for: $0.name.value) }
        return ForwarderCommandLine(
            role: role, lab: lab, placement: placement, dpdk: host?.dpdk, vhostNet: lab.has(Capability.vhostNet.rawValue, on: host),
            emulatedPFs: placement?.kind == .host ? EmulatedPF.on(placement!, scenario: scenario, lab: lab) : [], steering: SteeredNIC.steers(scenario))
    }

    func shellLine(_ text: String) -> String {
        let line = (try? ShellLine.substitute(text, shellValue)) ?? text
        return line.hasSuffix("\n") ? String(line.dropLast()) : line
    }

    private func shellValue(_ path: String) -> ShellLine.Value? {
        if path.hasPrefix("lab."), SemanticChecker.labCommands.contains(String(path.dropFirst(4))), let command = attribute(path) {
            return .words(command.split(separator: " ").map(String.init))
        }
        return (attribute(path) ?? scenario.paramValues[path]).map(ShellLine.Value.word)
    }

    func plan(_ item: FlatStep) -> PlannedStep {
        let step = item.step
        let onName = item.on?.value
        let host = labHost(for: onName)
        var target = host.map { $0.transport } ?? (onName == nil ? "local" : "external \(onName!) (not reachable from labrunner)")
        if lab.isVirtual, let role = onName.flatMap({ scenario.role(scenario.session($0)?.on.value ?? $0) }), role.kind == .container,
            let namespace = host?.namespace
        {
            target = "nsenter into container \(role.name.value) (in \(namespace))"
        }
        var command = ""
        var action = PlannedAction.unbound
        switch step.action {
        case .run(let line):
            command = shellLine(line)
            let session = onName.flatMap(scenario.session)
            if let session {
                target = "session \(session.name.value) on \(session.on.value) (\(target))"
            } else if let role = onName.flatMap(scenario.role), role.kind == .vm {
                target = "guest \(role.name.value) serial console (on \(target))"
            }
            action = .run(command, session: session?.name.value)
        case .send(let text, let waitFor):
            command = shellLine(text)
            action = .send(command, session: onName, prompt: waitFor)
            if let session = onName.flatMap(scenario.session) {
                target = "session \(session.name.value) on \(session.on.value), wait for /\(waitFor ?? session.prompt)/ (\(target))"
            }
        case .qmp(let q):
            let json = resolveJSON(q.json)
            command = json.rendered(pretty: false)
            action = .qmp(json, migration: json["execute"]?.string == "migrate")
            target = qmpTarget(onName, host)
        case .hmp(let text):
            command = resolve(text)
            let words = command.split(separator: " ")
            action = .hmp(command, migration: words.first == "migrate" && !words.contains("-d"))
            target = qmpTarget(onName, host)
        case .libvirt(let call):
            let domainHost = labHost(for: call.domain.value)
            let uri = call.uri.map(resolve) ?? domainHost.map(lab.libvirtURI(of:)) ?? "?"
            target = "libvirt \(uri)"
            if let role = scenario.role(call.domain.value), let dh = domainHost {
                let name = role.vm?.name ?? role.name.value
                var planned = LibvirtCall(
                    action: call.action, domain: name, uri: uri,
                    argument: call.action == "monitor" ? call.command.map(resolve) : call.dest.map(resolve),
                    migrationURI: call.migrationURI.map(resolve), live: call.live)
                planned.host = (call.uri == nil ? dh : hosts.values.first { lab.libvirtURI(of: $0) == uri })?.name
                switch call.action {
                case "define":
                    command = domainXML(role, on: dh)
                    planned.xml = command
                case "migrate":
                    let via = call.migrationURI.map { ", migrate_uri=\(resolve($0))" } ?? ""
                    var destXML = ""
                    if let dest = call.destDomain.flatMap({ scenario.role($0.value) }), let host = labHost(for: dest.name.value) {
                        planned.xml = domainXML(dest, on: host)
                        destXML = ", dest_xml=<\(dest.name.value)'s domain XML on \(host.name)>"
                    }
                    command =
                        "virDomainMigrateToURI3(\(name), \(call.dest.map(resolve) ?? "?")\(via)\(destXML), VIR_MIGRATE_PEER2PEER\(call.live ? " | VIR_MIGRATE_LIVE" : ""))"
                case "monitor": command = "virDomainQemuMonitorCommand(\(name), \(resolve(call.command ?? "")))"
                default: command = "\(call.action) \(name)"
                }
                action = .libvirt(planned)
            }
        case .forwarderCommand(let text):
            command = resolve(text)
            if let role = onName.flatMap(scenario.role), let h = host {
                target = "testpmd> prompt of \(role.name.value)\(lab.program(running: role) == "fastpath" ? " (FastPath)" : "") (\(h.transport))"
                action = .forwarderCommand(role: role.name.value, text: command)
            }
        case .forwarderStart(let name):
            var copyTo: String?
            if let role = scenario.role(name.value) {
                let line = forwarderCommandLine(role)
                command = resolve(Shell.join(line.arguments))
                if let dpdk = line.dpdk, line.program == "testpmd" { target += ", written for DPDK \(dpdk)" }
                for vdev in line.vhostNetStandIns { target += ", \(vdev.split(separator: ",")[0]) stands in as a tap port: the host has no vhost-net" }
                for pf in line.emulatedPFs where line.role.forwarder?.allow.contains(pf.pci) == true { target += ", \(pf.summary)" }
                // A VM's forwarder gets its FastPath from its disk.
                if line.program == "fastpath", let placement = line.placement, placement.kind == .host,
                    let copy = fastPathCopy(on: placement.name.value)
                {
                    copyTo = copy.role
                    target += ", \(copy.note)"
                }
            }
            action = .forwarderStart(role: name.value, line: command, copyTo: copyTo)
            if let session = onName.flatMap(scenario.session) { target = "session \(session.name.value) on \(session.on.value) (\(target))" }
        case .traffic(let spec):
            command = resolve(Shell.join(TrafficCommandLine(spec: spec, generator: onName.flatMap(scenario.role)).arguments))
            // The generator is FastPath's: on an SSH host it runs from the same copy as a forwarder there.
            let copy = fastPathCopy(on: onName)
            if let copy { target += ", \(copy.note)" }
            action = spec.search != nil ? .search(command, copyTo: copy?.role) : .traffic(command, copyTo: copy?.role)
        case .wait(let spec):
            if let until = spec.until {
                let every = spec.every.map { $0.converted(to: .s) } ?? 1
                command = "until \(resolve(until)); do sleep \(Self.number(every)); done"
                if let limit = spec.duration { command = "timeout \(Self.number(limit.converted(to: .s))) sh -c \(Shell.quote(command))" }
                action = .poll(command)
            } else {
                let seconds = spec.duration?.converted(to: .s) ?? 0
                command = "sleep \(Self.number(seconds))"
                action = .sleep(seconds: seconds)
                target = "local"
            }
        case .copy(let spec):
            let (source, destination) = (resolve(spec.src), resolve(spec.dest))
            action = .copy(source: source, destination: destination, mode: spec.mode)
            command = Shell.join(CopySpec.installArguments(source: source, destination: destination, mode: spec.mode))
        case .vmStart(let name, _), .vmStop(let name):
            let vmHost = labHost(for: name.value)
            target = vmHost?.transport ?? target
            if case .vmStart(_, let incoming) = step.action, var role = scenario.role(name.value), let vh = vmHost {
                if let incoming, case .vm(var spec) = role.spec {
                    spec.incoming = incoming
                    role.spec = .vm(spec)
                }
                let launcher = QEMUCommandLine(role: role, lab: lab, host: vh, runsForwarder: runsForwarder(role))
                let argv = launcher.arguments.map(resolve)
                command = Shell.join(argv)
                action = .vmStart(role: name.value, argv: argv, memoryPath: launcher.memoryPath.map(resolve))
            } else if let role = scenario.role(name.value), let vh = vmHost {
                command = resolve(#"{"execute":"quit"} → \#(QEMUCommandLine(role: role, lab: lab, host: vh).qmpSocket)"#)
                action = .vmStop(role: name.value)
            }
        case .vmNIC(let name, let nicName, let plug):
            if let role = scenario.role(name.value), let vh = labHost(for: name.value),
                let nic = role.vm?.nics.first(where: { $0.id.value == nicName.value })
            {
                let launcher = QEMUCommandLine(role: role, lab: lab, host: vh)
                target = "qmp \(launcher.qmpAddress) (\(vh.transport))"
                let commands =
                    (plug ? launcher.hotplug(nic) : [.object([("execute", .string("device_del")), ("arguments", .object([("id", .string(nic.id.value))]))])])
                    .map(resolveJSON)
                command = commands.map { $0.rendered(pretty: false) }.joined(separator: "\n")
                action = .vmNIC(role: name.value, plug: plug, commands: commands)
            }
        case .block:
            action = .block
        }
        return PlannedStep(
            id: step.id.value, after: item.after, on: onName, target: target, keyword: step.action.keyword, action: action,
            command: command, skip: skipReason(item, host: host), always: step.always,
            doc: step.doc, guide: step.guide, expect: resolvedExpectations(step.expect), captures: step.captures,
            timeout: step.timeout?.converted(to: .s), retries: step.retries,
            retryDelay: step.retryDelay?.converted(to: .s) ?? 1, undo: step.undo.map { shellLine($0.value) }, location: step.id.location)
    }

    /// The texts an output must (not) contain, with roles' attributes and params filled in (captured
    /// values are filled in when the step runs).
    func resolvedExpectations(_ expect: Expectation) -> Expectation {
        var out = expect
        out.contains = expect.contains.map { Located(resolve($0.value), at: $0.location) }
        out.notContains = expect.notContains.map { Located(resolve($0.value), at: $0.location) }
        return out
    }

    /// Whether a forwarder role is placed in this VM role.
    func runsForwarder(_ role: Role) -> Bool { scenario.forwarderPlacements.values.contains(role.name.value) }

    /// Every VM role's QMP socket on its lab host.
    var monitorSockets: [String: String] {
        var out: [String: String] = [:]
        for role in scenario.roles where role.kind == .vm {
            if let host = labHost(for: role.name.value) {
                out[role.name.value] = resolve(QEMUCommandLine(role: role, lab: lab, host: host).qmpSocket)
            }
        }
        return out
    }

    /// Every VM role's serial console socket (only the virtual lab serves consoles on sockets).
    var consoleSockets: [String: String] {
        guard lab.isVirtual else { return [:] }
        var out: [String: String] = [:]
        for role in scenario.roles where role.kind == .vm {
            if let host = labHost(for: role.name.value) {
                out[role.name.value] = resolve(QEMUCommandLine(role: role, lab: lab, host: host).consoleSocket)
            }
        }
        return out
    }

    func qmpTarget(_ on: String?, _ host: LabHost?) -> String {
        let roleName = on.flatMap { scenario.session($0)?.on.value } ?? on
        guard let role = roleName.flatMap(scenario.role), let h = host else { return "qmp" }
        return "qmp \(QEMUCommandLine(role: role, lab: lab, host: h).qmpAddress) (\(h.transport))"
    }

    func resolveJSON(_ value: JSONValue) -> JSONValue {
        switch value {
        case .string(let s): return .string(resolve(s))
        case .array(let items): return .array(items.map(resolveJSON))
        case .object(let fields): return .object(fields.map { ($0.0, resolveJSON($0.1)) })
        default: return value
        }
    }

    func skipReason(_ item: FlatStep, host: LabHost?) -> String? {
        for condition in item.conditions where !condition.value.holds(scenario.paramValues) {
            return "when \(condition.value) is false"
        }
        var needed = scenario.requires + item.requires
        for name in [item.on?.value, scenario.session(item.on?.value ?? "")?.on.value].compactMap({ $0 }) {
            var role = scenario.role(name)
            var hops = 0
            while let r = role, hops < 8 {
                needed += r.requires
                role = r.placement.flatMap { scenario.role($0.value) }
                hops += 1
            }
        }
        for capability in needed where !lab.has(capability.value, on: host) {
            return "lab '\(lab.name)' lacks \(capability.value)\(host.map { " on \($0.name)" } ?? "")"
        }
        return nil
    }

    static func number(_ d: Double) -> String { d == d.rounded() ? String(Int(d)) : String(d) }
}
