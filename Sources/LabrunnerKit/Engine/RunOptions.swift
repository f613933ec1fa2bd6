import Logging

/// How to run a step graph.
package struct RunOptions: Sendable {
    /// Steps at once.
    package var jobs = 4
    /// Keep running independent branches after a failure.
    package var keepGoing = false
    /// Print commands instead of running them.
    package var dryRun = false
    /// Run only these steps (their dependencies are taken as done).
    package var only: [String] = []
    /// Start at this step (in plan order).
    package var from: String?
    /// Stop after this step (in plan order).
    package var until: String?
    /// Timeout for steps that set none.
    package var defaultTimeout: Duration = .seconds(600)
    /// What the run's `labrunner.log` records: SSH connects and reconnects, QMP traffic (debug),
    /// libvirt and step errors.
    package var logLevel: Logger.Level = .info
    /// How long to wait for another run's lease on a lab host to end (none: stop at once, saying who holds it).
    package var waitForLab: Duration? = nil
    /// The standalone `fastpath` binary (built next to labrunner) copied to SSH lab hosts a forwarder runs FastPath on.
    package var fastpath: String? = nil

    /// Creates it from its parts.
    package init(
        jobs: Int = 4, keepGoing: Bool = false, dryRun: Bool = false, only: [String] = [], from: String? = nil, until: String? = nil,
        defaultTimeout: Duration = .seconds(600), logLevel: Logger.Level = .info
    ) {
        self.logLevel = logLevel
        self.jobs = jobs
        self.keepGoing = keepGoing
        self.dryRun = dryRun
        self.only = only
        self.from = from
        self.until = until
        self.defaultTimeout = defaultTimeout
    }
}
