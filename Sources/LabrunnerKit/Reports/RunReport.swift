import Foundation
import Scenarios

/// Writes a run's reports into its directory: run.json, junit.xml, summary.md, results.txt (with a
/// results template), the plots and report.html.
struct RunReport {
    let graph: StepGraph
    let result: RunResult
    let directory: URL
    let scenarioFile: String

    func write() throws {
        try json.write(to: directory.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        try JUnitWriter(suites: [(graph, result)]).xml.write(to: directory.appendingPathComponent("junit.xml"), atomically: true, encoding: .utf8)
        try summary.write(to: directory.appendingPathComponent("summary.md"), atomically: true, encoding: .utf8)
        var files = ["summary.md", "run.json", "junit.xml", "manifest.json", "labrunner.log"]
        if !graph.results.isEmpty {
            try ResultsTemplate(graph: graph, result: result).text.write(
                to: directory.appendingPathComponent("results.txt"), atomically: true, encoding: .utf8)
            files.insert("results.txt", at: 0)
        }
        var plots: [(file: String, caption: String)] = []
        for search in result.records.searches {
            let plot = SearchPlot(record: search)
            try plot.svg.write(to: directory.appendingPathComponent(plot.fileName), atomically: true, encoding: .utf8)
            plots.append((plot.fileName, "Step \(search.step): every trial of the throughput search, its loss against the rate it offered"))
        }
        for timeline in MigrationTimelinePlot.plots(result.records.migrations, result.records.traffic) {
            try timeline.svg.write(to: directory.appendingPathComponent(timeline.fileName), atomically: true, encoding: .utf8)
            plots.append(
                (
                    timeline.fileName,
                    "Step \(timeline.migration.step): the generator's probes sent and answered per millisecond around the migration, QEMU's downtime shaded"
                ))
        }
        if !result.records.searches.isEmpty { files.append("trials.jsonl") }
        try HTMLReport(graph: graph, result: result, plots: plots, files: files).html.write(
            to: directory.appendingPathComponent("report.html"), atomically: true, encoding: .utf8)
    }

    /// `{scenario, file, lab, params, exit_code, seconds, interrupted, cleanup_problems, steps: [...]}`.
    var json: String {
        let byID = Dictionary(graph.steps.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let steps: [JSONValue] = result.outcomes.map { o in
            let step = byID[o.id]
            return .object([
                ("id", .string(o.id)),
                ("status", .string(o.status.rawValue)),
                ("action", step.map { .string($0.keyword) } ?? .null),
                ("on", step?.on.map(JSONValue.string) ?? .null),
                ("command", step.map { .string($0.command) } ?? .null),
                ("started", .double(o.started)),
                ("seconds", .double(o.duration)),
                ("attempts", .int(o.attempts)),
                ("exit_status", o.exitStatus.map { .int(Int($0)) } ?? .null),
                ("message", o.message.map(JSONValue.string) ?? .null),
                (
                    "failures",
                    .array(
                        o.failures.map { f in
                            .object([
                                ("expectation", .string(f.expectation)), ("location", .string(f.location)),
                                ("expected", .string(f.expected)), ("actual", .string(f.actual)),
                            ])
                        })
                ),
                ("captures", .object(o.captures.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
                ("output", o.outputFile.map(JSONValue.string) ?? .null),
            ])
        }
        return JSONValue.object([
            ("scenario", .string(graph.scenario)),
            ("file", .string(scenarioFile)),
            ("lab", .string(graph.lab)),
            ("params", .object(graph.params.map { ($0.0, .string($0.1)) })),
            ("verdict", .string(result.verdict.rawValue)),
            ("exit_code", .int(Int(result.exitCode))),
            ("skip_reasons", .array(result.verdict == .skipped ? result.skipReasons.map(JSONValue.string) : [])),
            ("seconds", .double(result.seconds)),
            ("interrupted", .bool(result.interrupted)),
            ("cleanup_problems", .array(result.cleanupProblems.map(JSONValue.string))),
            ("rounds", RoundTable(graph: graph, result: result).json),
            ("results", ResultsTemplate(graph: graph, result: result).json),
            ("hops", HopTable(graph: graph, result: result).json),
            ("steps", .array(steps)),
        ]).rendered(pretty: true) + "\n"
    }

    /// A table of steps with their state, then every failure with expected vs actual.
    var summary: String {
        var lines = [
            "# \(graph.scenario) — \(graph.title)", "",
            "Lab `\(graph.lab)`, **\(result.verdict.rawValue)**, exit code \(result.exitCode), \(String(format: "%.2f", result.seconds)) s\(result.interrupted ? ", interrupted" : "").",
            "",
        ]
        let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
        lines.append(StepStatus.allCasesInOrder.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", "))
        if result.verdict == .skipped {
            lines += ["", "Nothing ran: every step was skipped. Why:", ""] + result.skipReasons.map { "- \($0)" }
        }
        let results = ResultsTemplate(graph: graph, result: result)
        if !results.lines.isEmpty { lines += ["", "## Results", "", "```"] + results.lines.map { "\($0.label): \($0.value)" } + ["```"] }
        let hops = HopTable(graph: graph, result: result)
        if !hops.rows.isEmpty { lines += ["", "## Per-hop loss", ""] + hops.markdown }
        let rounds = RoundTable(graph: graph, result: result)
        if !rounds.rows.isEmpty { lines += ["", "## Rounds", ""] + rounds.markdown }
        if !results.lines.isEmpty || !hops.rows.isEmpty || !rounds.rows.isEmpty { lines += ["", "## Steps"] }
        lines += ["", "| step | status | seconds | note |", "| --- | --- | --- | --- |"]
        for o in result.outcomes {
            let note = (o.message ?? "").replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ")
            lines.append("| \(o.id) | \(o.status.rawValue) | \(String(format: "%.2f", o.duration)) | \(note.prefix(160)) |")
        }
        let failures = result.outcomes.filter { !$0.failures.isEmpty }
        if !failures.isEmpty {
            lines += ["", "## Failures", ""]
            for o in failures {
                for f in o.failures { lines.append("- **\(o.id)**: `\(f.expectation)` at \(f.location) — expected \(f.expected), actual \(f.actual)") }
            }
        }
        if !result.cleanupProblems.isEmpty {
            lines += ["", "## Cleanup problems", ""] + result.cleanupProblems.map { "- \($0)" }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension StepStatus {
    /// States in the order summaries list them.
    static let allCasesInOrder: [StepStatus] = [.passed, .failed, .error, .blocked, .cancelled, .skipped]
}
