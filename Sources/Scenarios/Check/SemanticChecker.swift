/// Checks what structure alone cannot: references, ids, cycles, sockets, MACs, cores, memory,
/// params, captures and conditions. Each rule lives in its own `SemanticChecker+Rule.swift`.
struct SemanticChecker {
    let scenario: Scenario
    /// Param entries as written (before substitution), to find unused ones.
    let rawParams: [YAMLEntry]
    /// Every document's tree as written (includes first), to find param references.
    let rawDocuments: [YAMLNode]
    /// Steps after template expansion but before param substitution.
    let unresolvedSteps: [YAMLNode]
    let flat: StepFlattener
    let reachability: Reachability

    init(scenario: Scenario, rawParams: [YAMLEntry], rawDocuments: [YAMLNode], unresolvedSteps: [YAMLNode]) {
        self.scenario = scenario
        self.rawParams = rawParams
        self.rawDocuments = rawDocuments
        self.unresolvedSteps = unresolvedSteps
        self.flat = StepFlattener(scenario)
        self.reachability = Reachability(flat.steps)
    }

    func check() -> [Diagnostic] {
        var out: [Diagnostic] = []
        out += checkRolePlacement()
        out += checkStepIDs()
        out += checkAfterReferences()
        out += checkCycles()
        out += checkStepTargets()
        out += checkReferences()
        out += checkShellLines()
        out += checkUndo()
        out += checkDeferredValues()
        out += checkCaptures()
        out += checkConditions()
        out += checkVhostUserSockets()
        out += checkMACs()
        out += checkCores()
        out += checkMemory()
        out += checkUnusedParams()
        out += checkForwarderCommands()
        out += checkRounds()
        return out
    }

    /// Every step as written, depth first, including blocks and `always` steps.
    var allSteps: [Step] {
        func walk(_ steps: [Step]) -> [Step] {
            steps.flatMap { step -> [Step] in
                if case .block(let children, let always, _) = step.action { return [step] + walk(children) + walk(always) }
                return [step]
            }
        }
        return walk(scenario.steps) + walk(scenario.always)
    }

    func role(_ name: String) -> Role? { scenario.role(name) }

    /// The host role a role ultimately runs on (itself for hosts).
    func hostName(of role: Role) -> String? {
        var current = role
        var hops = 0
        while current.kind != .host, let next = current.placement.flatMap({ scenario.role($0.value) }), hops < 8 {
            current = next
            hops += 1
        }
        return current.kind == .host ? current.name.value : nil
    }

    func unknownRole(_ name: Located<String>, expected: String) -> Diagnostic {
        Diagnostic(
            .error, "unknown role '\(name.value)'; expected \(expected)", at: name.location,
            suggestion: EditDistance.suggestion(for: name.value, among: scenario.roles.map(\.name.value)), length: name.value.count)
    }
}
