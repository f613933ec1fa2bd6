import ArgumentParser
import FastPathCLI
import LabrunnerKit

/// The `labrunner` command.
@main
struct Labrunner: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "labrunner",
        abstract: "Declarative lab orchestrator for the DPDK how-to scenarios.",
        discussion: """
            Exit codes: 0 success; 1 validation errors (validate) or a failed expectation; \
            2 invalid scenario (plan, run); 3 infrastructure error; 4 nothing ran (run: every step skipped); 130 interrupted.
            """,
        version: "labrunner \(LabrunnerVersion.current)",
        subcommands: [
            Validate.self, Plan.self, Run.self, Cleanup.self, LabCommand.self, Schema.self, Bench.self, FastPathCommand.self, PdumpCommand.self,
            TrafficCommand.self, EthtoolCommand.self, NICCommand.self,
        ]
    )
}
