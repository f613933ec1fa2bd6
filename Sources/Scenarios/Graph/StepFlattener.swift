/// Dissolves blocks into concrete steps with explicit dependencies.
///
/// In a list, a step without `after:` waits for the step before it (for a block: the block's last
/// steps). The first step of a block waits for what the block waits for. A `parallel` block's steps
/// all wait only for the block's own dependencies. `always` steps wait for everything in their
/// block; the scenario's `always` steps wait for every step. `after:` naming a block means its last steps.
public struct StepFlattener: Sendable {
    /// The concrete steps, in document order.
    public private(set) var steps: [FlatStep] = []
    /// Block id → the concrete steps a dependent of the block waits for.
    public private(set) var blockExits: [String: [String]] = [:]
    private var stepIDs = Set<String>()

    /// Flattens a scenario's steps and `always` steps.
    public init(_ scenario: Scenario) {
        _ = flatten(scenario.steps, entry: [], parallel: false, context: Context())
        finish()
        let used = Set(steps.flatMap(\.after))
        let sinks = steps.map(\.id).filter { !used.contains($0) }
        _ = flatten(scenario.always, entry: sinks, parallel: false, context: Context())
        finish()
    }

    private struct Context {
        var on: Located<String>?
        var conditions: [Located<Condition>] = []
        var requires: [Located<String>] = []
        var blocks: [String] = []
    }

    /// Resolves an `after:` name: a step id stays, a block id becomes the block's exits.
    public func resolve(_ name: String) -> [String]? {
        if let exits = blockExits[name] { return exits }
        return stepIDs.contains(name) ? [name] : nil
    }

    private mutating func flatten(_ list: [Step], entry: [String], parallel: Bool, context: Context) -> [String] {
        var previous = entry
        var allExits: [String] = []
        for step in list {
            let deps = step.after.map { $0.map { "@" + $0.value } } ?? (parallel ? entry : previous)
            var inner = context
            inner.on = step.on ?? context.on
            inner.conditions += step.when.map { [$0] } ?? []
            inner.requires += step.requires
            let exits: [String]
            if case .block(let children, let always, let isParallel) = step.action {
                inner.blocks.append(step.id.value)
                let bodyExits = flatten(children, entry: deps, parallel: isParallel, context: inner)
                let alwaysExits = always.isEmpty ? [] : flatten(always, entry: bodyExits.isEmpty ? deps : bodyExits, parallel: false, context: inner)
                exits = always.isEmpty ? bodyExits : alwaysExits
                blockExits[step.id.value] = exits.isEmpty ? deps : exits
            } else {
                stepIDs.insert(step.id.value)
                steps.append(
                    FlatStep(
                        step: step, after: deps, conditions: inner.conditions, on: inner.on,
                        requires: inner.requires, blocks: context.blocks))
                exits = [step.id.value]
            }
            previous = exits.isEmpty ? deps : exits
            allExits += exits
        }
        return parallel ? allExits : previous
    }

    /// Replaces `@name` placeholders (explicit `after:` names) once every block's exits are known;
    /// unknown names are dropped (the checker reports them where they are written).
    private mutating func finish() {
        for (block, exits) in blockExits {
            blockExits[block] = Self.unique(exits.flatMap { $0.hasPrefix("@") ? (resolve(String($0.dropFirst())) ?? []) : [$0] })
        }
        for index in steps.indices {
            steps[index].after = Self.unique(
                steps[index].after.flatMap { dep -> [String] in
                    guard dep.hasPrefix("@") else { return [dep] }
                    return resolve(String(dep.dropFirst())) ?? []
                })
        }
    }

    private static func unique(_ ids: [String]) -> [String] {
        var seen = Set<String>()
        return ids.filter { seen.insert($0).inserted }
    }
}
