/// Why a step could not be carried out (as opposed to an expectation not holding).
enum StepError: Error, CustomStringConvertible {
    /// This build has no driver for the action on this lab yet.
    case noDriver(action: String, target: String)
    /// The step needs a host the lab does not reach.
    case unreachable(String)
    /// The lab could not be set up for the run.
    case setup(String)
    /// The step's output could not be written into the run directory (a full disk).
    case unrecorded(path: String, bytes: Int, reason: String)
    /// The step ran out of time.
    case timedOut(after: Duration, output: String)
    /// The session cannot answer (its VM is not running): nothing was typed.
    case unanswerable(session: String, reason: String)
    /// The guest whose console the session is on panicked.
    case guestPanicked(session: String, output: String)
    /// A guest's serial console closed under the step: what became of its QEMU.
    case consoleClosed(session: String, fate: String, output: String)
    /// The program was told to end (quit) and answered with its prompt again instead.
    case programDidNotEnd(command: String, output: String)
    /// The program a send step talked to ended: the session's shell prompt came back instead.
    case programEnded(waitingFor: String, output: String)

    var description: String {
        switch self {
        case .noDriver(let action, let target):
            "no driver for '\(action)' steps on \(target) in this build yet"
        case .unreachable(let what):
            "\(what) is not reachable from this lab"
        case .setup(let problem):
            "cannot set up the lab: \(problem)"
        case .unrecorded(let path, let bytes, let reason):
            "cannot write the step's output (\(bytes) bytes) to \(path): \(reason)"
        case .guestPanicked(let session, let output):
            "the guest on session \(session) panicked (its console shows the end of a kernel panic): \(ExpectationEvaluator.excerpt(output))"
        case .consoleClosed(let session, let fate, let output):
            "the console \(session) closed: \(fate); its last output: \(ExpectationEvaluator.excerpt(output))"
        case .programDidNotEnd(let command, let output):
            "'\(command)' did not end the program: its prompt came back; its output: \(ExpectationEvaluator.excerpt(output))"
        case .unanswerable(let session, let reason):
            "session \(session) cannot answer (nothing was typed): \(reason)"
        case .programEnded(let prompt, let output):
            "the program ended (the shell prompt came back) while waiting for /\(prompt)/; its output: \(ExpectationEvaluator.excerpt(output))"
        case .timedOut(let after, let output):
            "timed out after \(after)\(output.isEmpty ? "" : "; last output: \(ExpectationEvaluator.excerpt(output))")"
        }
    }
}
