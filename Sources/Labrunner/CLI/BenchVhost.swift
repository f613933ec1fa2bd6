import ArgumentParser
import Foundation
import LabrunnerKit

/// `labrunner bench vhost [--seconds N] [--rounds N]`
struct BenchVhost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vhost",
        abstract: "vhost-user throughput, FastPath vs dpdk-testpmd side by side: virtio_user txonly → net_vhost rxonly, both directions.")

    @Option(help: "Seconds measured per trial.")
    var seconds = 2

    @Option(help: "Alternating rounds.")
    var rounds = 5

    @OptionGroup var binaries: ForwarderBinaries

    func run() async throws {
        print(try await VhostBenchmark(seconds: seconds, rounds: rounds, fastpath: binaries.fastpathBinary, testpmd: binaries.testpmd).run().summary)
    }
}
