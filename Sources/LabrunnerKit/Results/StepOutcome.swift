/// What running one step produced.
package struct StepOutcome: Codable, Sendable {
    /// Step id.
    package var id: String
    /// How it ended.
    package var status: StepStatus
    /// Why it did not pass (skip reason, error, first failure).
    package var message: String?
    /// Expectations that did not hold.
    package var failures: [ExpectationFailure] = []
    /// Values it captured.
    package var captures: [String: String] = [:]
    /// Attempts made (1 + retries used).
    package var attempts: Int = 0
    /// Seconds since the run started, when it started and ended.
    package var started: Double = 0, ended: Double = 0
    /// Exit status, when the action had one.
    package var exitStatus: Int32?
    /// Where its output was written, relative to the run directory.
    package var outputFile: String?

    /// Wall time in seconds.
    package var duration: Double { ended - started }
}
