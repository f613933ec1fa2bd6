import ArgumentParser
import LabrunnerKit

/// `labrunner bench engine --steps N --jobs J`
struct BenchEngine: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engine",
        abstract: "Run N trivial independent steps through the engine and spawn the same commands directly; print the overhead per step.")

    @Option(help: "Number of steps.")
    var steps = 1000

    @Option(help: "Steps at once.")
    var jobs = 8

    func run() async throws {
        let result = try await EngineBenchmark(steps: steps, jobs: jobs).run()
        print(result.summary)
        if result.passed != steps { throw ExitCode(1) }
    }
}
