/// How a step ended.
package enum StepStatus: String, Codable, Sendable {
    /// Every expectation held.
    case passed
    /// An expectation did not hold.
    case failed
    /// The step could not be carried out (no driver, cannot start, timed out).
    case error
    /// Not run: its condition was false or the lab lacks a capability.
    case skipped
    /// Not run: a step it waits for did not pass.
    case blocked
    /// Stopped or never started because the run was interrupted or failed fast.
    case cancelled
}
