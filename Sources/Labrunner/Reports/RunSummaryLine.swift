import Foundation

/// The last lines of a run on the terminal: counts, failures with expected vs actual, where the reports are.
struct RunSummaryLine {
    let result: RunResult
    let directory: URL

    var text: String {
        let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
        var lines = [StepStatus.allCasesInOrder.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
                     + String(format: " in %.2f s — exit %d", result.seconds, result.exitCode)]
        for outcome in result.outcomes {
            for failure in outcome.failures { lines.append("  \(outcome.id): \(failure.message)") }
        }
        lines += result.cleanupProblems.map { "  cleanup: \($0)" }
        lines.append("  reports: \(directory.path)/{run.json,junit.xml,summary.md}")
        return lines.joined(separator: "\n")
    }
}
