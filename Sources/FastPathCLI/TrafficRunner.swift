import FastPath
import Foundation
import Scenarios

#if canImport(Glibc)
import Glibc
#endif

/// `labrunner traffic run|start|lap|stop`: runs the FastPath traffic generator in this process (run), or
/// in a background labrunner (start) until `stop` ends it and prints its report; `lap` reports the
/// interval since the previous lap while it goes on. The background run
/// keeps its pid and report in the namespace's FastPath runtime directory, keyed by the transmit port.
package struct TrafficRunner {

    let installation: Installation
    let port: String

    /// A runner for the generator on `port`; `installation` is the labrunner a background run starts.
    package init(installation: Installation, port: String) {
        self.installation = installation
        self.port = port
    }

    private var files: (pid: String, report: String, lap: String) {
        let dir = RuntimePaths.directory
        return ("\(dir)/traffic-\(port).pid", "\(dir)/traffic-\(port).json", "\(dir)/traffic-\(port).lap.json")
    }

    /// Sends `profile` in the foreground until its duration ends (or SIGINT); returns the JSON report,
    /// also written to `reportFile` when given. Each SIGUSR1 writes the report of the lap it ends to
    /// `lapFile`.
    package func run(_ profile: TrafficProfile, reportFile: String? = nil, lapFile: String? = nil) throws -> String {
        let report = try TrafficGenerator(profile: profile).run(signals: SignalPipe.watch(SIGUSR1)) { lap in
            if let lapFile { try? lap.json.write(toFile: lapFile, atomically: true, encoding: .utf8) }
        }.json
        if let reportFile { try report.write(toFile: reportFile, atomically: true, encoding: .utf8) }
        return report
    }

    /// Searches for the rates `settings` asks for, each trial a run of `profile` at the rate the search
    /// picks (each trial on stderr as it ends, when that is a terminal); returns the search's JSON result,
    /// every trial in its `trial_log`.
    package func search(_ profile: TrafficProfile, settings: SearchSettings) throws -> String {
        let watched = isatty(STDERR_FILENO) != 0
        let search = ThroughputSearch(
            settings: settings,
            onTrial: { trial in
                if watched { FileHandle.standardError.write(Data((SearchResult.json(trial) + "\n").utf8)) }
            }
        ) { rate, duration in
            var trial = profile
            (trial.rate, trial.duration) = (rate, duration)
            let report = try TrafficGenerator(profile: trial).run()
            return (report.sent, report.received)
        }
        return try search.run().json
    }

    /// Starts `profile` in a background labrunner (a day long unless it has a duration); returns what started.
    package func start(_ profile: TrafficProfile, hasDuration: Bool) throws -> String {
        try FileManager.default.createDirectory(atPath: RuntimePaths.directory, withIntermediateDirectories: true)
        if let pid = try? String(contentsOfFile: files.pid, encoding: .utf8), let p = Int32(pid), kill(p, 0) == 0 {
            throw TrafficError.state("traffic is already running on \(port) (pid \(p)): stop it first")
        }
        unlink(files.report)
        var background = profile
        if !hasDuration { background.duration = 86400 }
        let argv =
            [installation.executable, "traffic", TrafficAction.run.rawValue] + TrafficArguments(background).arguments
            + ["--report-file", files.report, "--lap-file", files.lap]
        let devNull = open("/dev/null", O_RDWR)
        defer { Glibc.close(devNull) }
        let process = try SpawnedProcess.spawn(argv, stdin: devNull, stdout: devNull, stderr: devNull)
        try "\(process.pid)".write(toFile: files.pid, atomically: true, encoding: .utf8)
        return "{\"started\": \"\(port)\", \"pid\": \(process.pid)}"
    }

    /// Ends a lap of the background run on this port (it goes on); returns the lap's JSON report: what
    /// was sent, received and lost since the previous lap or the start, and its longest silence.
    package func lap() throws -> String {
        let pid = try runningPID()
        unlink(files.lap)
        kill(pid, SIGUSR1)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !FileManager.default.fileExists(atPath: files.lap) { usleep(20_000) }
        guard let report = try? String(contentsOfFile: files.lap, encoding: .utf8) else {
            throw TrafficError.state("the traffic generator on \(port) (pid \(pid)) did not report a lap within 10 seconds")
        }
        unlink(files.lap)
        return report
    }

    /// The background run's pid (one still running, when `alive`).
    private func runningPID(alive: Bool = true) throws -> Int32 {
        guard let text = try? String(contentsOfFile: files.pid, encoding: .utf8), let pid = Int32(text), !alive || kill(pid, 0) == 0 else {
            throw TrafficError.state("no traffic runs on \(port): start it with traffic: {action: start, port: \(port)}")
        }
        return pid
    }

    /// Ends the background run on this port; returns its JSON report.
    package func stop() throws -> String {
        let pid = try runningPID(alive: false)
        kill(pid, SIGINT)
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline && !FileManager.default.fileExists(atPath: files.report) { usleep(50_000) }
        unlink(files.pid)
        guard let report = try? String(contentsOfFile: files.report, encoding: .utf8) else {
            throw TrafficError.state("the traffic generator on \(port) (pid \(pid)) ended without a report")
        }
        // Nothing of the run stays behind: its files, and the namespace's runtime directory if nothing else is in it.
        unlink(files.report)
        unlink(files.lap)
        rmdir(RuntimePaths.directory)
        return report
    }
}
