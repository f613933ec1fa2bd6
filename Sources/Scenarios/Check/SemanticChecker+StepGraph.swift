extension SemanticChecker {
    /// Step and block ids are unique across the scenario.
    func checkStepIDs() -> [Diagnostic] {
        var seen: [String: SourceLocation] = [:]
        var out: [Diagnostic] = []
        for step in allSteps {
            if let first = seen[step.id.value] {
                out.append(
                    Diagnostic(.error, "duplicate step id '\(step.id.value)' (first used at \(first))", at: step.id.location, length: step.id.value.count))
            } else {
                seen[step.id.value] = step.id.location
            }
        }
        return out
    }

    /// `after:` names existing steps or blocks, and not the step itself.
    func checkAfterReferences() -> [Diagnostic] {
        let known = Set(allSteps.map(\.id.value))
        var out: [Diagnostic] = []
        for step in allSteps {
            for dep in step.after ?? [] {
                if dep.value == step.id.value {
                    out.append(Diagnostic(.error, "step '\(step.id.value)' cannot wait for itself", at: dep.location, length: dep.value.count))
                } else if !known.contains(dep.value) {
                    out.append(
                        Diagnostic(
                            .error, "step '\(step.id.value)' waits for unknown step '\(dep.value)'", at: dep.location,
                            suggestion: EditDistance.suggestion(for: dep.value, among: known), length: dep.value.count))
                }
            }
        }
        return out
    }

    /// The dependency graph has no cycle; a cycle is printed step by step.
    func checkCycles() -> [Diagnostic] {
        let byID = Dictionary(flat.steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var state: [String: Int] = [:]  // 1 visiting, 2 done
        var stack: [String] = []
        var out: [Diagnostic] = []
        var reported = Set<String>()
        func visit(_ id: String) {
            state[id] = 1
            stack.append(id)
            for dep in byID[id]?.after ?? [] {
                if state[dep] == 1 {
                    // stack[k] waits for stack[k+1]; the last waits for dep, which closes the cycle.
                    let waits = Array(stack[stack.lastIndex(of: dep)!...]) + [dep]
                    let key = Set(waits).sorted().joined(separator: ",")
                    if reported.insert(key).inserted {
                        out.append(Diagnostic(.error, "dependency cycle: \(waits.reversed().joined(separator: " → "))", at: cycleLocation(waits, byID)))
                    }
                } else if state[dep] == nil, byID[dep] != nil {
                    visit(dep)
                }
            }
            stack.removeLast()
            state[id] = 2
        }
        for step in flat.steps where state[step.id] == nil { visit(step.id) }
        return out
    }

    /// Where to point at a cycle: the first `after:` entry written on it (implicit edges are written nowhere).
    private func cycleLocation(_ waits: [String], _ byID: [String: FlatStep]) -> SourceLocation {
        for (waiter, awaited) in zip(waits, waits.dropFirst()) {
            guard let step = byID[waiter]?.step else { continue }
            if let entry = step.after?.first(where: { flat.resolve($0.value)?.contains(awaited) == true }) { return entry.location }
        }
        for id in waits {
            for block in byID[id]?.blocks ?? [] {
                if let entry = allSteps.first(where: { $0.id.value == block })?.after?.first(where: {
                    flat.resolve($0.value).map { Set($0).isDisjoint(with: waits) == false } == true
                }) {
                    return entry.location
                }
            }
        }
        return byID[waits[0]]?.step.id.location ?? SourceLocation(file: scenario.file, line: 1, column: 1)
    }

    /// Each action acts on the right kind of thing: send on a session, qmp/hmp on a VM, fastpath on a forwarder…
    func checkStepTargets() -> [Diagnostic] {
        var out: [Diagnostic] = []
        let targets = scenario.roles.map(\.name.value) + scenario.sessions.map(\.name.value)
        for item in flat.steps {
            let step = item.step
            let label = "step '\(step.id.value)'"
            var needed: String?
            var ok: (Role?, Session?) -> Bool = { _, _ in true }
            switch step.action {
            case .send:
                needed = "a session"
                ok = { _, s in s != nil }
            case .run:
                needed = "a host, vm, container, switch or traffic generator role, or a session"
                ok = { r, s in s != nil || [.host, .vm, .container, .switchDevice, .trafficgen].contains(r?.kind) }
            case .qmp, .hmp:
                needed = "a vm role (or its monitor session)"
                ok = { r, s in r?.kind == .vm || (s?.console == "monitor") }
            case .forwarderCommand:
                needed = "a forwarder role"
                ok = { r, _ in r?.kind == .forwarder }
            case .forwarderStart(let target):
                needed = "a session to run the forwarder in"
                ok = { _, s in s != nil }
                if let f = role(target.value) {
                    if f.kind != .forwarder {
                        out.append(
                            Diagnostic(
                                .error, "\(label) starts '\(target.value)', which is a \(f.kind.rawValue), not a forwarder", at: target.location,
                                length: target.value.count))
                    } else if let on = item.on.flatMap({ scenario.session($0.value) }), on.on.value != f.forwarder?.on.value {
                        out.append(
                            Diagnostic(
                                .error,
                                "\(label) starts forwarder '\(target.value)' in session '\(on.name.value)' on '\(on.on.value)', but the forwarder runs on '\(f.forwarder?.on.value ?? "?")'",
                                at: target.location, length: target.value.count))
                    }
                } else {
                    out.append(unknownRole(target, expected: "a forwarder role"))
                }
            case .traffic(let spec):
                needed = "a trafficgen role"
                ok = { r, _ in r?.kind == .trafficgen }
                if case .trafficgen(let generator) = item.on.flatMap({ role($0.value) })?.spec {
                    if let port = spec.port, !generator.ports.contains(port) {
                        out.append(
                            Diagnostic(
                                .error,
                                "\(label): traffic port '\(port)' is not a port of generator '\(item.on!.value)' (\(generator.ports.joined(separator: ", ")))",
                                at: step.id.location, suggestion: EditDistance.suggestion(for: port, among: generator.ports)))
                    } else if spec.port(on: generator) == nil {
                        out.append(
                            Diagnostic(
                                .error,
                                "\(label): generator '\(item.on!.value)' has \(generator.ports.count) ports; say which with port: (\(generator.ports.joined(separator: ", ")))",
                                at: step.id.location, length: step.id.value.count))
                    }
                }
            case .copy:
                needed = "a host, vm or container role"
                ok = { r, _ in [.host, .vm, .container].contains(r?.kind) }
            case .libvirt(let action):
                for domain in [action.domain] + (action.destDomain.map { [$0] } ?? []) where role(domain.value)?.kind != .vm {
                    out.append(
                        role(domain.value) == nil
                            ? unknownRole(domain, expected: "a vm role")
                            : Diagnostic(
                                .error, "\(label): libvirt domain '\(domain.value)' is not a vm role", at: domain.location, length: domain.value.count))
                }
                if let dest = action.destDomain, let source = role(action.domain.value)?.vm, let target = role(dest.value)?.vm,
                    (source.name ?? action.domain.value) != (target.name ?? dest.value)
                {
                    out.append(
                        Diagnostic(
                            .error,
                            "\(label): dest_domain '\(dest.value)' must be the same guest as '\(action.domain.value)': give both vm roles the same name: (libvirt keeps a domain's name across a migration)",
                            at: dest.location, length: dest.value.count))
                }
            case .vmStart(let vm, _), .vmStop(let vm):
                if role(vm.value)?.kind != .vm {
                    out.append(
                        role(vm.value) == nil
                            ? unknownRole(vm, expected: "a vm role")
                            : Diagnostic(.error, "\(label): '\(vm.value)' is not a vm role", at: vm.location, length: vm.value.count))
                }
                needed = item.on == nil ? nil : "a host role"
                ok = { r, _ in r?.kind == .host }
            case .vmNIC(let vm, let nic, let plug):
                guard let role = role(vm.value), let spec = role.vm else {
                    out.append(
                        role(vm.value) == nil
                            ? unknownRole(vm, expected: "a vm role")
                            : Diagnostic(.error, "\(label): '\(vm.value)' is not a vm role", at: vm.location, length: vm.value.count))
                    continue
                }
                let ids = spec.nics.map(\.id.value)
                if !ids.contains(nic.value) {
                    out.append(
                        Diagnostic(
                            .error, "\(label): vm '\(vm.value)' has no nic '\(nic.value)'", at: nic.location,
                            suggestion: EditDistance.suggestion(for: nic.value, among: ids), length: nic.value.count))
                } else if plug, spec.nics.first(where: { $0.id.value == nic.value })?.hotplug != true {
                    out.append(
                        Diagnostic(
                            .warning, "\(label) plugs nic '\(nic.value)', which vm '\(vm.value)' already has at boot; mark it hotplug: true", at: nic.location,
                            length: nic.value.count))
                }
                continue
            case .wait(let spec):
                needed = spec.until == nil ? nil : "a role or session to poll on"
            case .block:
                continue
            }
            guard let needed else { continue }
            guard let on = item.on else {
                if case .vmStart = step.action { continue }
                if case .vmStop = step.action { continue }
                out.append(Diagnostic(.error, "\(label) needs 'on:' naming \(needed)", at: step.actionLocation))
                continue
            }
            let r = role(on.value), s = scenario.session(on.value)
            if r == nil && s == nil {
                out.append(
                    Diagnostic(
                        .error, "\(label) is on unknown role or session '\(on.value)'", at: on.location,
                        suggestion: EditDistance.suggestion(for: on.value, among: targets), length: on.value.count))
            } else if !ok(r, s) {
                let what = s != nil ? "session" : "\(r!.kind.rawValue) role"
                out.append(
                    Diagnostic(
                        .error, "\(label): '\(step.action.keyword)' needs 'on:' to name \(needed), but '\(on.value)' is a \(what)", at: on.location,
                        length: on.value.count))
            }
        }
        return out
    }
}
