import ArgumentParser
import Foundation

/// `labrunner bench fastpath [--seconds N] [--rounds N]`
struct BenchFastPath: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastpath",
        abstract: "FastPath vs dpdk-testpmd: io forwarding between two null ports on one core, side by side; allocations per packet and RSS.")

    @Option(help: "Seconds measured per trial.")
    var seconds = 5

    @Option(help: "Alternating rounds (one trial of each per round).")
    var rounds = 3

    @Option(help: "The fastpath binary (default: next to labrunner).")
    var fastpath: String?

    @Option(help: "The dpdk-testpmd binary.")
    var testpmd = "dpdk-testpmd"

    func run() async throws {
        let own = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let binary = fastpath ?? own.appendingPathComponent("fastpath").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no fastpath binary at \(binary): build it (swift build -c release) or give --fastpath")
        }
        print(try await FastPathBenchmark(seconds: seconds, rounds: rounds, fastpath: binary, testpmd: testpmd).run().summary)
    }
}
