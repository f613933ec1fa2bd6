import Foundation
import Scenarios

/// A `--rounds` run, one row per round: its verdict, seconds, and the key figures its steps captured
/// (total time, downtime, outage, lost packets) — in run.json, the summary and on stdout.
package struct RoundTable {
    /// One round.
    package struct Row: Sendable {
        package var round: Int
        /// passed, or the worst status of its steps (failed, error, blocked, cancelled); skipped when none ran.
        package var verdict: String
        package var seconds: Double
        /// Capture name → value, in the order captured.
        package var figures: [(String, String)]
    }

    package let rows: [Row]

    /// The rounds of `result` as `graph` laid them out (none without --rounds).
    package init(graph: StepGraph, result: RunResult) {
        let outcomes = Dictionary(result.outcomes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        rows = graph.rounds.enumerated().map { index, ids in
            let ran = ids.compactMap { outcomes[$0] }.sorted { $0.started < $1.started }
            let worst: [StepStatus] = [.error, .failed, .blocked, .cancelled]
            let verdict =
                worst.first { bad in ran.contains { $0.status == bad } }?.rawValue
                ?? (ran.contains { $0.status == .passed } ? "passed" : "skipped")
            let active = ran.filter { $0.status != .skipped }
            let seconds = (active.map(\.ended).max() ?? 0) - (active.map(\.started).min() ?? 0)
            var figures: [(String, String)] = []
            for outcome in ran {
                for (name, value) in outcome.captures.sorted(by: { $0.key < $1.key }) where KeyFigure.matches(name) {
                    figures.append((name, value))
                }
            }
            return Row(round: index + 1, verdict: verdict, seconds: max(0, seconds), figures: figures)
        }
    }

    /// The figure names in first-seen order (the table's columns).
    private var columns: [String] {
        var seen: [String] = []
        for row in rows { for (name, _) in row.figures where !seen.contains(name) { seen.append(name) } }
        return seen
    }

    private var header: [String] { ["round", "verdict", "seconds"] + columns }

    private func cells(_ row: Row) -> [String] {
        let values = Dictionary(row.figures, uniquingKeysWith: { _, b in b })
        return ["\(row.round)", row.verdict, String(format: "%.1f", row.seconds)] + columns.map { values[$0] ?? "-" }
    }

    var textTable: TextTable { TextTable(header: header, rows: rows.map(cells)) }

    /// A plain table with aligned columns.
    package var table: String { textTable.plain }

    /// The same in Markdown.
    package var markdown: [String] { textTable.markdown }

    /// `[{round, verdict, seconds, figures: {name: value}}]`.
    var json: JSONValue {
        .array(
            rows.map { row in
                .object([
                    ("round", .int(row.round)), ("verdict", .string(row.verdict)), ("seconds", .double(row.seconds)),
                    ("figures", .object(row.figures.map { ($0.0, .string($0.1)) })),
                ])
            })
    }
}
