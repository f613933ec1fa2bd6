import ArgumentParser
import Foundation
import LabrunnerKit

/// `labrunner bench fastpath [--seconds N] [--rounds N]`
struct BenchFastPath: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastpath",
        abstract: "FastPath vs dpdk-testpmd: io forwarding between two null ports on one core, side by side; allocations per packet and RSS.")

    @Option(help: "Seconds measured per trial.")
    var seconds = 5

    @Option(help: "Alternating rounds (one trial of each per round).")
    var rounds = 3

    @OptionGroup var binaries: ForwarderBinaries

    func run() async throws {
        print(try await FastPathBenchmark(seconds: seconds, rounds: rounds, fastpath: binaries.fastpathBinary, testpmd: binaries.testpmd).run().summary)
    }
}
