import Foundation
import Scenarios

/// `labrunner run`: compiles each scenario (a file, or every scenario in a directory — nightly mode),
/// runs it in its own run directory, and writes run.json, junit.xml and summary.md there.
package struct Runner {
    package var labPath: String?
    package var overrides: [String]
    /// `--rounds` for every scenario of `run(_ paths:)`.
    package var rounds = 1
    package var options: RunOptions
    package var reportRoot: URL
    package var progress: Progress
    package var interrupt: Interrupt?

    /// Creates it from its parts.
    package init(labPath: String? = nil, overrides: [String], options: RunOptions, reportRoot: URL, progress: Progress, interrupt: Interrupt? = nil) {
        self.labPath = labPath
        self.overrides = overrides
        self.options = options
        self.reportRoot = reportRoot
        self.progress = progress
        self.interrupt = interrupt
    }

    /// Runs the scenarios in `paths` (directories: every scenario in them), each with `overrides`.
    package func run(_ paths: [String]) async -> [ScenarioRun] {
        await run(Compiler().expand(paths).map { ScenarioRequest(file: $0, overrides: overrides, rounds: rounds) })
    }

    /// Runs each requested scenario with its own overrides.
    package func run(_ requests: [ScenarioRequest]) async -> [ScenarioRun] {
        var runs: [ScenarioRun] = []
        let compiler = Compiler()
        let lab = compiler.loadLab(labPath)  // once for the whole run
        // accel: auto on the virtual lab: a real KVM if the probe boots a guest with it, else TCG; and
        // MSI-X on vhost-user NICs where QEMU's version keeps it working under TCG.
        let discovered = await LabDiscovery.capabilities(for: lab.lab, probeKVM: !options.dryRun)
        for request in requests {
            let file = request.file
            if interrupt?.interrupted == true { break }
            let plan = compiler.plan(path: file, lab: lab, overrides: request.overrides, discovered: discovered, rounds: request.rounds)
            var run = ScenarioRun(file: file, diagnostics: plan.diagnostics, sources: plan.sources, graph: plan.graph)
            guard let graph = plan.graph else {
                runs.append(run)
                continue
            }
            if options.dryRun {
                runs.append(run)
                continue
            }
            let directory = Self.newDirectory(in: reportRoot, scenario: graph.scenario)
            run.directory = directory
            progress.line("run \(graph.scenario) on lab \(graph.lab) → \(directory.path)")
            let result = await Engine(graph: graph, options: options, directory: directory, progress: progress, interrupt: interrupt).run()
            progress.stop()
            run.result = result
            try? RunReport(graph: graph, result: result, directory: directory, scenarioFile: file).write()
            let manifest = await RunManifest.collect(graph: graph, sources: plan.sources, labFile: labPath)
            try? (manifest.json.rendered(pretty: true) + "\n").write(to: directory.appendingPathComponent("manifest.json"), atomically: true, encoding: .utf8)
            runs.append(run)
        }
        return runs
    }

    /// The worst exit code: interrupted, invalid, infrastructure, failed; else 0, or 4 when every scenario was skipped.
    package static func exitCode(_ runs: [ScenarioRun]) -> Int32 {
        let codes = Set(runs.map(\.exitCode))
        if let worst = [130, 2, 3, 1].first(where: codes.contains) { return worst }
        // Skipped scenarios beside passed ones leave a nightly green; a run in which nothing ran is not.
        return codes == [RunVerdict.skipped.exitCode] ? RunVerdict.skipped.exitCode : 0
    }

    /// `runs/<yyyyMMdd-HHmmss>-<scenario>`, made unique.
    package static func newDirectory(in root: URL, scenario: String) -> URL {
        let base = "\(RunStamp.string())-\(scenario)"
        var candidate = root.appendingPathComponent(base)
        var n = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = root.appendingPathComponent("\(base)-\(n)")
            n += 1
        }
        return candidate
    }
}
