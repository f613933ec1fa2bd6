import ArgumentParser
import FastPathCLI
import Foundation
import LabrunnerKit
import Logging
import Scenarios

/// `labrunner run FILE|DIR`
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run scenarios: every step, every expectation, always cleaning up.",
        discussion: """
            A directory runs every scenario in it (nightly mode), one run directory and JUnit suite each.
            Exit codes: 0 all passed (scenarios whose every step was skipped are reported skipped, beside \
            passed ones), 1 an expectation failed, 2 invalid scenario, 3 infrastructure error (cannot reach, \
            no driver, timeout), 4 nothing ran (every scenario skipped), 130 interrupted.
            """)

    @Argument(help: "Scenario files or directories.")
    var paths: [String] = []

    @Option(help: "Run again what failed in this run directory or report directory (each scenario with the params it ran with).")
    var rerunFailed: String?

    @Option(help: "Lab file (default: the embedded virtual lab).")
    var lab: String?

    @Option(name: .customLong("set"), help: "Override a param: name=value (repeatable).")
    var overrides: [String] = []

    @Option(
        help: "Repeat each scenario's `rounds:` block this many times (migrate there and back, and again); each round's figures go to run.json and the summary."
    )
    var rounds = 1

    @Option(help: "Run only this step (repeatable); what it waits for is taken as done.")
    var only: [String] = []

    @Option(help: "Start at this step, in plan order.")
    var from: String?

    @Option(help: "Stop after this step, in plan order.")
    var until: String?

    @Flag(help: "Print every command; run nothing.")
    var dryRun = false

    @Option(help: "Steps to run at once.")
    var jobs = 4

    @Flag(help: "After a failure, keep running branches that do not depend on it.")
    var keepGoing = false

    @Option(help: "Also write one JUnit XML file for all scenarios here.")
    var junit: String?

    @Option(help: "Wait this long (30s, 10min) for another run's lease on a lab host to end, instead of stopping at once.")
    var waitForLab: String?

    @Option(help: "Where run directories go.")
    var report = "runs"

    @Option(help: "What each run directory's labrunner.log records: trace, debug (adds QMP traffic), info, notice, warning, error or critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        if paths.isEmpty && rerunFailed == nil { throw ValidationError("give scenario files or directories, or --rerun-failed DIR") }
        if !paths.isEmpty && rerunFailed != nil { throw ValidationError("--rerun-failed takes its scenarios from DIR: give no files with it") }
        if rounds < 1 { throw ValidationError("--rounds \(rounds): give 1 or more") }
        if let wait = waitForLab, Quantity(wait).map({ $0.unit.dimension == .time && $0.value >= 0 }) != true {
            throw ValidationError("--wait-for-lab \(wait): give a duration such as 30s or 10min")
        }
    }

    func run() async throws {
        Installation.current.putOnPath()
        let interrupt = Interrupt()
        var options = RunOptions(jobs: jobs, keepGoing: keepGoing, dryRun: dryRun, only: only, from: from, until: until, logLevel: logLevel)
        options.fastpath = Installation.current.fastpath
        options.waitForLab = waitForLab.flatMap(Quantity.init).map { .milliseconds(Int(min($0.converted(to: .ms), ScalarFormat.longestDuration * 1000))) }
        var runner = Runner(
            labPath: lab, overrides: overrides, options: options, reportRoot: URL(fileURLWithPath: report),
            progress: Progress(color: Terminal.colors), interrupt: interrupt)
        runner.rounds = rounds
        let runs: [ScenarioRun]
        if let rerunFailed {
            let requests: [ScenarioRequest]
            do { requests = try FailedRuns.requests(in: URL(fileURLWithPath: rerunFailed)) } catch { throw ValidationError(error.description) }
            if requests.isEmpty {
                print("nothing failed in \(rerunFailed)")
                return
            }
            runs = await runner.run(requests)
        } else {
            runs = await runner.run(paths)
        }
        for run in runs {
            DiagnosticPrinter.print(run.diagnostics, sources: run.sources, format: .text)
            if dryRun, let graph = run.graph { print(PlanRenderer(graph: graph).text) }
            if let result = run.result, let directory = run.directory {
                if let graph = run.graph, !graph.rounds.isEmpty { print(RoundTable(graph: graph, result: result).table) }
                print(RunSummaryLine(result: result, directory: directory).text)
            }
        }
        if runs.count > 1, !dryRun {
            let summary = NightlySummary(runs: runs)
            print("\n" + summary.table)
            print("  summary: \(try summary.write(to: URL(fileURLWithPath: report)).path)")
        }
        if let junit { try JUnitWriter(runs: runs).write(to: junit) }
        let code = Runner.exitCode(runs)
        if code != 0 { throw ExitCode(code) }
    }
}
