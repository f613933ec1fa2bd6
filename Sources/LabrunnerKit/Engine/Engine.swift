import Foundation
import Logging
import Scenarios

/// Runs a step graph: each step as soon as the steps it waits for have passed (or were skipped),
/// at most `jobs` at once; fail-fast unless `keepGoing`; then the `always` steps, then the ledger's
/// undos in reverse. Interrupts cancel running steps and still clean up.
struct Engine: Sendable {
    let graph: StepGraph
    let options: RunOptions
    let directory: URL
    let progress: Progress
    let interrupt: Interrupt?

    func run() async -> RunResult {
        let start = ContinuousClock.now
        let ledger: Ledger
        do {
            // The run's directory is new and its own: nobody else can plant a ledger or read its logs.
            try FileManager.default.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard mkdir(directory.path, 0o700) == 0 else {
                throw Ledger.RefusedError(description: "\(directory.path): \(String(cString: strerror(errno))) (a run's directory is always new)")
            }
            ledger = try Ledger(file: directory.appendingPathComponent("ledger.jsonl"))
        } catch {
            return RunResult(
                outcomes: [StepOutcome(id: "setup", status: .error, message: "cannot create the run directory: \(error)")],
                cleanupProblems: [], interrupted: false, seconds: 0)
        }
        let log = directory.appendingPathComponent("labrunner.log")
        let logger = Logger(label: "labrunner") { _ in RunLogHandler(url: log, level: options.logLevel) }
        logger.info("run \(graph.scenario) on lab \(graph.lab)", metadata: ["steps": "\(graph.steps.count)"])
        let context = RunContext(
            graph: graph, ledger: ledger, directory: directory, logger: logger, waitForLab: options.waitForLab, fastpath: options.fastpath)
        let selected = selection()
        var outcomes: [String: StepOutcome] = [:]
        for step in graph.steps where !selected.contains(step.id) {
            outcomes[step.id] = StepOutcome(id: step.id, status: .skipped, message: "not selected (--only/--from/--until)")
        }

        // The main phase runs in a task the signal handler can cancel.
        let initial = outcomes
        let main = Task { () -> [String: StepOutcome] in
            var results = initial
            if graph.virtualLab {
                do {
                    let tools = options.fastpath.map { URL(fileURLWithPath: $0).deletingLastPathComponent().path }
                    try await NamespaceProvisioner(graph: graph, ledger: ledger, tools: tools).provision()
                } catch {
                    results["setup"] = StepOutcome(id: "setup", status: .error, message: "\(error)")
                    return results
                }
            }
            return await schedule(graph.steps.filter { !$0.always && selected.contains($0.id) }, known: results, context: context, start: start)
        }
        interrupt?.onSignal { main.cancel() }
        outcomes = await main.value

        // Cleanup: always steps in order, even after failure or interrupt, in a fresh (uncancelled) task.
        let cleanup = Task { () -> [String: StepOutcome] in
            var results: [String: StepOutcome] = [:]
            for step in graph.steps where step.always && selected.contains(step.id) {
                progress.started(step)
                let outcome = await StepRunner(step: step, context: context, defaultTimeout: options.defaultTimeout, clock: start).run()
                progress.finished(outcome)
                results[step.id] = outcome
            }
            await context.closeAll()
            return results
        }
        interrupt?.onSignal { cleanup.cancel() }
        outcomes.merge(await cleanup.value) { $1 }
        let problems = await ledger.undoAll()
        for problem in problems { logger.warning("cleanup: \(problem)") }

        let ordered = graph.steps.compactMap { outcomes[$0.id] } + (outcomes["setup"].map { [$0] } ?? [])
        let elapsed = ContinuousClock.now - start
        return RunResult(
            outcomes: ordered, cleanupProblems: problems, interrupted: interrupt?.interrupted ?? false,
            seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18, records: await context.records)
    }

    /// Steps chosen by --only / --from / --until (always steps are always chosen).
    private func selection() -> Set<String> {
        let ids = graph.steps.map(\.id)
        var chosen = Set(ids)
        if !options.only.isEmpty { chosen = Set(options.only) }
        if let from = options.from, let index = ids.firstIndex(of: from) { chosen.subtract(ids[..<index]) }
        if let until = options.until, let index = ids.firstIndex(of: until) { chosen.subtract(ids[(index + 1)...]) }
        return chosen.union(graph.steps.filter(\.always).map(\.id))
    }

    private func schedule(
        _ steps: [PlannedStep], known: [String: StepOutcome], context: RunContext, start: ContinuousClock.Instant
    ) async -> [String: StepOutcome] {
        var outcomes = known
        var waiting = steps
        var stopping = false
        let jobs = max(1, options.jobs)
        func satisfied(_ id: String) -> Bool? {
            guard let outcome = outcomes[id] else { return steps.contains { $0.id == id } ? nil : true }
            switch outcome.status {
            case .passed, .skipped: return true
            default: return false
            }
        }
        await withTaskGroup(of: StepOutcome.self) { group in
            var running = 0
            while true {
                if !stopping && !Task.isCancelled {
                    var index = 0
                    while index < waiting.count && running < jobs {
                        let step = waiting[index]
                        let states = step.after.map(satisfied)
                        if states.contains(false) {
                            waiting.remove(at: index)
                            let failed = step.after.first { satisfied($0) == false } ?? "?"
                            let outcome = StepOutcome(id: step.id, status: .blocked, message: "step '\(failed)' did not pass")
                            outcomes[step.id] = outcome
                            progress.finished(outcome)
                            continue
                        }
                        if states.allSatisfy({ $0 == true }) {
                            waiting.remove(at: index)
                            running += 1
                            progress.started(step)
                            let runner = StepRunner(step: step, context: context, defaultTimeout: options.defaultTimeout, clock: start)
                            group.addTask { await runner.run() }
                            continue
                        }
                        index += 1
                    }
                }
                guard running > 0, let outcome = await group.next() else { break }
                running -= 1
                outcomes[outcome.id] = outcome
                progress.finished(outcome)
                if (outcome.status == .failed || outcome.status == .error) && !options.keepGoing && !stopping {
                    stopping = true
                    group.cancelAll()
                }
                if Task.isCancelled { group.cancelAll() }
            }
        }
        for step in waiting where outcomes[step.id] == nil {
            if let failed = step.after.first(where: { satisfied($0) == false }) {
                outcomes[step.id] = StepOutcome(id: step.id, status: .blocked, message: "step '\(failed)' did not pass")
            } else {
                outcomes[step.id] = StepOutcome(
                    id: step.id, status: .cancelled, message: Task.isCancelled ? "interrupted" : "not run: an earlier step failed (use --keep-going)")
            }
        }
        return outcomes
    }
}
