import ArgumentParser

/// `labrunner bench …`
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks.",
        subcommands: [BenchCompile.self])
}
