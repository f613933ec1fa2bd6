import ArgumentParser
import Foundation
import LabrunnerKit

/// `labrunner cleanup [--run DIR]`
struct Cleanup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Undo what crashed or killed runs left behind (namespaces, processes, files), from their ledgers.")

    @Option(help: "One run directory (default: every run under --report with something left to undo).")
    var run: String?

    @Option(help: "Where run directories are.")
    var report = "runs"

    func run() async throws {
        let outcome = await LedgerCleanup(runDirectory: run.map { URL(fileURLWithPath: $0) }, reportRoot: URL(fileURLWithPath: report)).run()
        for line in outcome.lines { print(line) }
        if !outcome.problems.isEmpty { throw ExitCode(3) }
    }
}
