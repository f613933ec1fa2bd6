/// What running one step produced.
struct StepOutcome: Codable, Sendable {
    /// Step id.
    var id: String
    /// How it ended.
    var status: StepStatus
    /// Why it did not pass (skip reason, error, first failure).
    var message: String?
    /// Expectations that did not hold.
    var failures: [ExpectationFailure] = []
    /// Values it captured.
    var captures: [String: String] = [:]
    /// Attempts made (1 + retries used).
    var attempts: Int = 0
    /// Seconds since the run started, when it started and ended.
    var started: Double = 0, ended: Double = 0
    /// Exit status, when the action had one.
    var exitStatus: Int32?
    /// Where its output was written, relative to the run directory.
    var outputFile: String?

    /// Wall time in seconds.
    var duration: Double { ended - started }
}
