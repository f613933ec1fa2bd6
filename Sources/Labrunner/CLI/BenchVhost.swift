import ArgumentParser
import Foundation

/// `labrunner bench vhost [--seconds N] [--rounds N]`
struct BenchVhost: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vhost",
        abstract: "vhost-user throughput, FastPath vs dpdk-testpmd side by side: virtio_user txonly → net_vhost rxonly, both directions.")

    @Option(help: "Seconds measured per trial.")
    var seconds = 3

    @Option(help: "Alternating rounds.")
    var rounds = 2

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
        print(try await VhostBenchmark(seconds: seconds, rounds: rounds, fastpath: binary, testpmd: testpmd).run().summary)
    }
}
