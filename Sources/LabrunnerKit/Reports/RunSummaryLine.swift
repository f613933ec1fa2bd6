import Foundation

/// The last lines of a run on the terminal: counts, what stopped it before its steps, failures with
/// expected vs actual, key figures (a
/// search's NDR and PDR, a migration's downtime and outage), where the reports are.
package struct RunSummaryLine {
    package let result: RunResult
    package let directory: URL

    /// Creates it from its parts.
    package init(result: RunResult, directory: URL) {
        self.result = result
        self.directory = directory
    }

    package var text: String {
        let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
        var lines = [
            StepStatus.allCasesInOrder.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
                + String(format: " in %.2f s — exit %d", result.seconds, result.exitCode)
        ]
        if result.verdict == .skipped {
            lines.append("  SKIPPED: nothing ran — " + result.skipReasons.prefix(3).joined(separator: "; ") + (result.skipReasons.count > 3 ? "; …" : ""))
        }
        // What stopped the run before its steps (the virtual lab, a lab host's lease) is no step's line.
        if let setup = result.outcomes.first(where: { $0.id == "setup" }), let message = setup.message { lines.append("  setup: \(message)") }
        for outcome in result.outcomes {
            for failure in outcome.failures { lines.append("  \(outcome.id): \(failure.message)") }
        }
        lines += result.cleanupProblems.map { "  cleanup: \($0)" }
        let figures = KeyFigure.latest(in: result.outcomes)
        if !figures.isEmpty { lines.append("  figures: " + figures.map { "\($0.0)=\($0.1)" }.joined(separator: " ")) }
        let results = directory.appendingPathComponent("results.txt").path
        if FileManager.default.fileExists(atPath: results) { lines.append("  results: \(results) (the guide's results template)") }
        lines.append("  reports: \(directory.path)/{report.html,run.json,junit.xml,summary.md,manifest.json}")
        return lines.joined(separator: "\n")
    }
}
