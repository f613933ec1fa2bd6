import Foundation
import Scenarios

/// One row per scenario of a run of several (a nightly): its verdict, step counts, time and key
/// figures (migration downtime, the data plane's outage, loss), as a table on stdout and as
/// `nightly-<time>.md` and `.json` in the report directory.
package struct NightlySummary {
    /// One scenario's row.
    package struct Row: Sendable {
        package var scenario: String
        /// passed, failed, error, skipped, interrupted; `invalid` when it did not compile; `planned` for a dry run.
        package var verdict: String
        package var passed = 0, failed = 0, skipped = 0, other = 0
        package var seconds = 0.0
        /// Captured key figures (`flow.outage=12.5ms`; see `KeyFigure`).
        package var figures: [(String, String)] = []
    }

    /// The rows, in run order.
    package let rows: [Row]

    /// The summary of `runs`.
    package init(runs: [ScenarioRun]) {
        rows = runs.map { run in
            var row = Row(scenario: run.graph?.scenario ?? URL(fileURLWithPath: run.file).deletingPathExtension().lastPathComponent, verdict: "invalid")
            guard run.graph != nil else { return row }
            guard let result = run.result else {
                row.verdict = "planned"
                return row
            }
            row.verdict = result.verdict.rawValue
            row.seconds = result.seconds
            for outcome in result.outcomes {
                switch outcome.status {
                case .passed: row.passed += 1
                case .failed: row.failed += 1
                case .skipped: row.skipped += 1
                default: row.other += 1
                }
            }
            row.figures = KeyFigure.latest(in: result.outcomes)
            return row
        }
    }

    private var header: [String] { ["scenario", "verdict", "passed", "failed", "skipped", "other", "seconds", "key figures"] }

    private func cells(_ row: Row) -> [String] {
        [
            row.scenario, row.verdict, "\(row.passed)", "\(row.failed)", "\(row.skipped)", "\(row.other)", String(format: "%.1f", row.seconds),
            row.figures.map { "\($0.0)=\($0.1)" }.joined(separator: " "),
        ]
    }

    private var textTable: TextTable { TextTable(header: header, rows: rows.map(cells)) }

    /// A plain table with aligned columns.
    package var table: String { textTable.plain }

    /// The same as a Markdown table.
    package var markdown: String { (["# Nightly summary", ""] + textTable.markdown).joined(separator: "\n") + "\n" }

    /// `[{scenario, verdict, passed, failed, skipped, other, seconds, figures: {name: value}}]`.
    package var json: String {
        JSONValue.array(
            rows.map { row in
                .object([
                    ("scenario", .string(row.scenario)), ("verdict", .string(row.verdict)), ("passed", .int(row.passed)),
                    ("failed", .int(row.failed)), ("skipped", .int(row.skipped)), ("other", .int(row.other)), ("seconds", .double(row.seconds)),
                    ("figures", .object(row.figures.map { ($0.0, .string($0.1)) })),
                ])
            }
        ).rendered(pretty: true) + "\n"
    }

    /// Writes `nightly-<UTC time>.md` and `.json` into `root`; returns the Markdown file.
    package func write(to root: URL, at date: Date = Date()) throws -> URL {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let base = root.appendingPathComponent("nightly-\(RunStamp.string(date))")
        try markdown.write(to: base.appendingPathExtension("md"), atomically: true, encoding: .utf8)
        try json.write(to: base.appendingPathExtension("json"), atomically: true, encoding: .utf8)
        return base.appendingPathExtension("md")
    }
}
