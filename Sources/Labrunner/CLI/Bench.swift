import ArgumentParser
import LabrunnerKit

/// `labrunner bench …`
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks.",
        subcommands: [BenchCompile.self, BenchEngine.self, BenchSSH.self, BenchFastPath.self, BenchVhost.self])
}
