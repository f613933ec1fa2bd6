/// What a step's action produced, for expectations and captures.
struct StepOutput: Sendable {
    /// Standard output, or what an interactive session printed.
    var stdout: String
    /// Standard error (empty for sessions).
    var stderr: String
    /// Exit status, when the action has one.
    var status: Int32?
    /// For sessions: the prompt the output ended at (not part of stdout).
    var prompt = ""

    /// Everything printed, stdout then stderr.
    var text: String { stderr.isEmpty ? stdout : stdout + "\n" + stderr }
}
