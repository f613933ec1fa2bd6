import ArgumentParser
import Foundation
import LabrunnerKit

/// `labrunner bench compile --steps N`
struct BenchCompile: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Generate an N-step scenario, validate and plan it; print time and peak RSS.")

    @Option(help: "Number of steps in the generated scenario.")
    var steps = 10_000

    @Option(help: "Also write the generated scenario to this path.")
    var emit: String?

    func run() throws {
        if let emit { try SyntheticScenario(steps: steps).text.write(toFile: emit, atomically: true, encoding: .utf8) }
        let result = try CompileBenchmark(steps: steps).run()
        print(result.summary)
        if result.errors > 0 { throw ExitCode(1) }
    }
}
