import Foundation
import Scenarios

/// Measures the language's front end: a generated scenario with N steps (roles, sessions, params,
/// dependencies, expectations, captures) is validated and planned against the embedded lab.
package struct CompileBenchmark {
    package let steps: Int

    /// Creates it from its parts.
    package init(steps: Int) {
        self.steps = steps
    }

    package struct Result {
        let steps: Int
        let seconds: Double
        let peakRSSMiB: Double
        package let errors: Int
        package var summary: String {
            String(format: "compile: %d steps in %.3f s, peak RSS %.0f MB", steps, seconds, peakRSSMiB)
                + (errors > 0 ? " (\(errors) errors!)" : "")
        }
    }

    package func run() throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-bench-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("generated.yaml")
        try SyntheticScenario(steps: steps).text.write(to: file, atomically: true, encoding: .utf8)
        let clock = ContinuousClock()
        var plan: PlanResult?
        let elapsed = clock.measure {
            plan = Compiler().plan(path: file.path, labPath: nil, overrides: [])
        }
        let errors = plan?.diagnostics.filter { $0.severity == .error }.count ?? 1
        let planned = plan?.graph?.steps.count ?? 0
        return Result(
            steps: planned, seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            peakRSSMiB: Self.peakRSSMiB(), errors: errors + (planned == steps ? 0 : 1))
    }

    package static func peakRSSMiB() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_maxrss) / 1024
    }
}
