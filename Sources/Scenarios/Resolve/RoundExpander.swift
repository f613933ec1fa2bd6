/// `--rounds N`: the scenario's round block repeated N times in a row, each copy after the one before.
/// Even rounds go the way back: every role and session `rounds.swap` pairs changes places — in what
/// steps act on, the roles they start and stop, and `${role.…}` references — and a VM role started
/// there without `incoming:` starts the way its partner was written (waiting for the migration).
/// Copies of round k's steps and blocks get the id suffix `.roundk`.
public struct RoundExpander: Sendable {
    /// The scenario as written.
    public let scenario: Scenario

    /// Creates an expander.
    public init(scenario: Scenario) { self.scenario = scenario }

    /// The scenario with `count` rounds, and each round's step ids (round 1: the block's own).
    public func expand(rounds count: Int) -> (scenario: Scenario, rounds: [[String]]) {
        guard let spec = scenario.rounds, let index = scenario.steps.firstIndex(where: { $0.id.value == spec.block.value }) else {
            return (scenario, [])
        }
        let block = scenario.steps[index]
        let inside = Set(Self.ids(block))
        var out = scenario
        var copies: [Step] = []
        var rounds = [Self.ids(block).filter { $0 != block.id.value }]
        var previous = block.id
        for round in stride(from: 2, through: max(count, 1), by: 1) {
            let rewrite = Rewrite(suffix: ".round\(round)", inside: inside, swap: round % 2 == 0 ? spec.exchange : [:], scenario: scenario)
            var copy = rewrite.step(block)
            copy.after = [previous]
            previous = copy.id
            copies.append(copy)
            rounds.append(Self.ids(copy).filter { $0 != copy.id.value })
        }
        out.steps.insert(contentsOf: copies, at: index + 1)
        return (out, rounds)
    }

    /// Ids of a step and every step and block inside it.
    static func ids(_ step: Step) -> [String] {
        guard case .block(let children, let always, _) = step.action else { return [step.id.value] }
        return [step.id.value] + (children + always).flatMap(ids)
    }

    /// How one round's copy differs from the block as written.
    private struct Rewrite {
        let suffix: String
        let inside: Set<String>
        let swap: [String: String]
        let scenario: Scenario

        func step(_ s: Step) -> Step {
            var c = s
            c.id = rename(s.id)
            c.after = s.after?.map { inside.contains($0.value) ? rename($0) : $0 }
            c.on = s.on.map(swapped)
            c.action = action(s.action)
            return c
        }

        func rename(_ id: Located<String>) -> Located<String> { Located(id.value + suffix, at: id.location) }

        func swapped(_ name: Located<String>) -> Located<String> { Located(swap[name.value] ?? name.value, at: name.location) }

        /// `${role.…}` references to swapped roles, exchanged all at once.
        func text(_ t: String) -> String {
            guard !swap.isEmpty else { return t }
            return References.substitute(t) { path in
                let parts = path.split(separator: ".", maxSplits: 1)
                guard parts.count == 2, let other = swap[String(parts[0])] else { return nil }
                return "${\(other).\(parts[1])}"
            }
        }

        func action(_ a: Action) -> Action {
            switch a {
            case .run(let line): return .run(text(line))
            case .send(let line, let prompt): return .send(text(line), prompt: prompt)
            case .hmp(let line): return .hmp(text(line))
            case .forwarderCommand(let line): return .forwarderCommand(text(line))
            case .forwarderStart(let role): return .forwarderStart(swapped(role))
            case .vmStart(let role, let incoming):
                let target = swapped(role)
                // The way back starts the source's role where the destination's was written to wait.
                let waits = scenario.role(role.value)?.vm?.incoming
                let own = scenario.role(target.value)?.vm?.incoming
                return .vmStart(target, incoming: incoming ?? (own == nil && target.value != role.value ? waits : nil))
            case .vmStop(let role): return .vmStop(swapped(role))
            case .vmNIC(let role, let nic, let plug): return .vmNIC(swapped(role), nic: nic, plug: plug)
            case .copy(var spec):
                (spec.src, spec.dest) = (text(spec.src), text(spec.dest))
                return .copy(spec)
            case .wait(var spec):
                spec.until = spec.until.map(text)
                return .wait(spec)
            case .block(let children, let always, let parallel):
                return .block(children.map(step), always: always.map(step), parallel: parallel)
            case .libvirt(var call):
                call.domain = swapped(call.domain)
                call.destDomain = call.destDomain.map(swapped)
                (call.uri, call.dest, call.migrationURI, call.command) = (
                    call.uri.map(text), call.dest.map(text), call.migrationURI.map(text), call.command.map(text)
                )
                return .libvirt(call)
            case .qmp, .traffic: return a
            }
        }
    }
}
