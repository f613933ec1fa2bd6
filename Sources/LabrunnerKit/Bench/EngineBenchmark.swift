import Foundation
import Scenarios

/// Measures the engine's cost per step: N trivial independent steps run by the engine in a virtual-lab
/// namespace, against the same N commands spawned directly with the same concurrency, side by side.
package struct EngineBenchmark {
    package let steps: Int
    package let jobs: Int

    /// Creates it from its parts.
    package init(steps: Int, jobs: Int) {
        self.steps = steps
        self.jobs = jobs
    }

    package struct Result {
        let steps: Int, jobs: Int
        let engineSeconds: Double, baselineSeconds: Double
        package let passed: Int
        var overheadMilliseconds: Double { (engineSeconds - baselineSeconds) / Double(steps) * 1000 }
        package var summary: String {
            String(
                format: "engine: %d steps, jobs %d: %.3f s; the same commands spawned directly: %.3f s; overhead %.3f ms per step",
                steps, jobs, engineSeconds, baselineSeconds, overheadMilliseconds)
                + (passed == steps ? "" : " (only \(passed) passed!)")
        }
    }

    package func run() async throws -> Result {
        let prefix = "lrb" + String(UUID().uuidString.prefix(5)).lowercased()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-bench-\(prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let lab = directory.appendingPathComponent("lab.yaml")
        try "name: bench\nkind: virtual\ncapabilities: [tcg]\nvirtual: {namespace_prefix: \(prefix), workdir: \(directory.path)/work}\n"
            .write(to: lab, atomically: true, encoding: .utf8)
        var yaml = "name: bench\ntitle: Trivial independent steps\nroles:\n  h1: {kind: host}\nsteps:\n"
        for i in 0..<steps { yaml += "  - {id: s\(i), after: [], on: h1, run: \"true\"}\n" }
        let file = directory.appendingPathComponent("bench.yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        guard let graph = Compiler().plan(path: file.path, labPath: lab.path, overrides: []).graph else {
            throw BenchError("the generated benchmark scenario does not compile")
        }

        let clock = ContinuousClock()
        var result: RunResult?
        let engine = await clock.measure {
            result = await Engine(
                graph: graph, options: RunOptions(jobs: jobs), directory: directory.appendingPathComponent("run"),
                progress: Progress(quiet: true), interrupt: nil
            ).run()
        }

        // Baseline: the same command lines, same concurrency, no engine.
        let namespace = "\(prefix)-base"
        _ = try await LocalExecutor.run(["ip", "netns", "add", namespace], timeout: .seconds(10))
        let baseline = await clock.measure {
            await withTaskGroup(of: Void.self) { group in
                var next = 0
                func add() {
                    group.addTask { _ = try? await LocalExecutor.run(["ip", "netns", "exec", namespace, "sh", "-c", "true"], timeout: .seconds(60)) }
                    next += 1
                }
                while next < min(jobs, steps) { add() }
                while await group.next() != nil { if next < steps { add() } }
            }
        }
        _ = try await LocalExecutor.run(["ip", "netns", "del", namespace], timeout: .seconds(10))
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        return Result(
            steps: steps, jobs: jobs, engineSeconds: seconds(engine), baselineSeconds: seconds(baseline),
            passed: result?.outcomes.filter { $0.status == .passed }.count ?? 0)
    }
}
