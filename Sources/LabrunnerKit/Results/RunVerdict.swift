/// How a scenario's run ended, as a whole: what its exit code, summary, JUnit suite and run.json say.
package enum RunVerdict: String, Sendable {
    /// Every step that ran passed, and at least one ran.
    case passed
    /// An expectation failed.
    case failed
    /// A step could not be carried out, or cleanup could not undo something.
    case error
    /// Nothing ran: every step was skipped (a capability the lab lacks, a condition, a selection).
    case skipped
    /// SIGINT or SIGTERM stopped it.
    case interrupted

    /// The documented exit code: 0 passed, 1 failed, 3 infrastructure error, 4 nothing ran, 130 interrupted.
    package var exitCode: Int32 {
        switch self {
        case .passed: 0
        case .failed: 1
        case .error: 3
        case .skipped: 4
        case .interrupted: 130
        }
    }
}
