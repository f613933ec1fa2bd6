extension SemanticChecker {
    /// `rounds:` names a top-level block, and swaps roles with roles of the same kind (a VM with a VM
    /// on another host, a host with a host) and sessions with sessions, each name at most once.
    func checkRounds() -> [Diagnostic] {
        guard let rounds = scenario.rounds else { return [] }
        var out: [Diagnostic] = []
        let block = rounds.block
        if !scenario.steps.contains(where: { $0.id.value == block.value && $0.action.keyword == "block" }) {
            out.append(
                Diagnostic(
                    .error, "rounds: block '\(block.value)' is not a top-level block of steps: wrap one round's steps in `- id: \(block.value)` with `block:`",
                    at: block.location, length: block.value.count))
        }
        var seen = Set<String>()
        for (a, b) in rounds.swap {
            for name in [a, b] where !seen.insert(name.value).inserted {
                out.append(Diagnostic(.error, "rounds: '\(name.value)' is swapped more than once", at: name.location, length: name.value.count))
            }
            if let ra = scenario.role(a.value), let rb = scenario.role(b.value) {
                if ra.kind != rb.kind {
                    out.append(
                        Diagnostic(
                            .error, "rounds: '\(a.value)' (\(ra.kind.rawValue)) cannot swap with '\(b.value)' (\(rb.kind.rawValue)): swap roles of one kind",
                            at: b.location, length: b.value.count))
                }
            } else if scenario.session(a.value) == nil || scenario.session(b.value) == nil {
                let unknown = scenario.role(a.value) == nil && scenario.session(a.value) == nil ? a : b
                out.append(
                    Diagnostic(
                        .error, "rounds: '\(unknown.value)' is not a role or session of this scenario (or swaps a role with a session)",
                        at: unknown.location, length: unknown.value.count))
            }
        }
        return out
    }
}
