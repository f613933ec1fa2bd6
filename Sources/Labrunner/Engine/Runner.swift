import Foundation
import Scenarios

/// `labrunner run`: compiles each scenario (a file, or every scenario in a directory — nightly mode),
/// runs it in its own run directory, and writes run.json, junit.xml and summary.md there.
struct Runner {
    var labPath: String?
    var overrides: [String]
    var options: RunOptions
    var reportRoot: URL
    var progress: Progress
    var interrupt: Interrupt?

    func run(_ paths: [String]) async -> [ScenarioRun] {
        Self.putOwnDirectoryOnPath()
        var runs: [ScenarioRun] = []
        // accel: auto on the virtual lab: a real KVM if the probe boots a guest with it, else TCG.
        var discovered: Set<String> = []
        if !options.dryRun, let lab = Compiler().lab(labPath) { discovered = await KVMProbe.capabilities(for: lab) }
        for file in Compiler().expand(paths) {
            if interrupt?.interrupted == true { break }
            let plan = Compiler().plan(path: file, labPath: labPath, overrides: overrides, discovered: discovered)
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
            runs.append(run)
        }
        return runs
    }

    /// Steps of the virtual lab call `labrunner fastpath`, `labrunner pdump` and `labrunner traffic`:
    /// they must find this very binary, also when it was started by path (.build/release/labrunner).
    static func putOwnDirectoryOnPath() {
        let own = OwnExecutable.directory
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard CommandLine.arguments[0].contains("/"), !path.split(separator: ":").contains(Substring(own)) else { return }
        setenv("PATH", "\(own):\(path)", 1)
    }

    /// The worst exit code: interrupted, invalid, infrastructure, failed, passed.
    static func exitCode(_ runs: [ScenarioRun]) -> Int32 {
        let codes = Set(runs.map(\.exitCode))
        return [130, 2, 3, 1].first(where: codes.contains) ?? 0
    }

    /// `runs/<yyyyMMdd-HHmmss>-<scenario>`, made unique.
    static func newDirectory(in root: URL, scenario: String) -> URL {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        let base = "\(formatter.string(from: Date()))-\(scenario)"
        var candidate = root.appendingPathComponent(base)
        var n = 2
        while FileManager.default.fileExists(atPath: candidate.path) {
            candidate = root.appendingPathComponent("\(base)-\(n)")
            n += 1
        }
        return candidate
    }
}
