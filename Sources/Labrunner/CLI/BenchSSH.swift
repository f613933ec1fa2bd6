import ArgumentParser
import LabrunnerKit

/// `labrunner bench ssh [--commands N]`
struct BenchSSH: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ssh",
        abstract: "Sequential `true` commands to a namespace host with sshd (made and removed here): libssh2 vs ssh ControlMaster.")

    @Option(help: "Commands per transport.")
    var commands = 100

    func run() async throws {
        print(try await SSHBenchmark(commands: commands).run().summary)
    }
}
