/// The end of a run: every step's outcome and what cleanup could not undo.
package struct RunResult: Sendable {
    /// Outcomes in plan order (always steps last).
    package var outcomes: [StepOutcome]
    /// Ledger entries that could not be undone.
    package var cleanupProblems: [String]
    /// Whether SIGINT/SIGTERM stopped it.
    package var interrupted: Bool
    /// Wall time in seconds.
    package var seconds: Double
    /// What its steps measured for the report's plots.
    package var records = RunRecords()

    /// The run as a whole. A run whose every step was skipped is skipped, never passed: nothing was checked.
    package var verdict: RunVerdict {
        if interrupted { return .interrupted }
        if outcomes.contains(where: { $0.status == .failed }) { return .failed }
        if outcomes.contains(where: { $0.status == .error }) || !cleanupProblems.isEmpty { return .error }
        if outcomes.allSatisfy({ $0.status == .skipped }) { return .skipped }
        return .passed
    }

    /// Why the steps were skipped: each distinct reason once, in plan order.
    package var skipReasons: [String] {
        var seen = Set<String>()
        return outcomes.filter { $0.status == .skipped }.compactMap(\.message).filter { seen.insert($0).inserted }
    }

    /// Every capture the steps took, each with the last value taken.
    package var captured: [String: String] {
        outcomes.reduce(into: [:]) { all, outcome in all.merge(outcome.captures) { $1 } }
    }

    /// The documented exit code: 0 passed, 1 an expectation failed, 3 infrastructure error, 4 nothing
    /// ran (every step skipped), 130 interrupted.
    package var exitCode: Int32 { verdict.exitCode }
}
