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

    /// The documented exit code: 0 passed, 1 an expectation failed, 3 infrastructure error, 130 interrupted.
    package var exitCode: Int32 {
        if interrupted { return 130 }
        if outcomes.contains(where: { $0.status == .failed }) { return 1 }
        if outcomes.contains(where: { $0.status == .error }) || !cleanupProblems.isEmpty { return 3 }
        return 0
    }
}
