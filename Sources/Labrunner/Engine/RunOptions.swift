/// How to run a step graph.
struct RunOptions: Sendable {
    /// Steps at once.
    var jobs = 4
    /// Keep running independent branches after a failure.
    var keepGoing = false
    /// Print commands instead of running them.
    var dryRun = false
    /// Run only these steps (their dependencies are taken as done).
    var only: [String] = []
    /// Start at this step (in plan order).
    var from: String?
    /// Stop after this step (in plan order).
    var until: String?
    /// Timeout for steps that set none.
    var defaultTimeout: Duration = .seconds(600)
}
