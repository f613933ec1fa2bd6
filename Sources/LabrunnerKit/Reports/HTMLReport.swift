import Foundation
import Scenarios

/// `report.html`: the run for a browser — verdict, the results template, the per-hop and round tables,
/// the plots (SVG files beside it), every step with its log, captures and failures, and links to the
/// other reports. Everything the run captured is escaped. A plot that does not load says so on the page,
/// and the body's `data-plots` says how many rendered (`rendered/total`), for a headless browser to read.
struct HTMLReport {
    let graph: StepGraph
    let result: RunResult
    /// The plots' files, relative to the run directory, with their captions.
    let plots: [(file: String, caption: String)]
    /// Other reports of the run directory to link to.
    let files: [String]

    var html: String {
        let e = MarkupText.escape
        var body: [String] = []
        body.append("<h1>\(e(graph.scenario)) — \(e(graph.title))</h1>")
        let counts = Dictionary(grouping: result.outcomes, by: \.status).mapValues(\.count)
        let tally = StepStatus.allCasesInOrder.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }.joined(separator: ", ")
        body.append(
            "<p>Lab <code>\(e(graph.lab))</code> · <span class=\"verdict \(result.verdict.rawValue)\">\(result.verdict.rawValue)</span> · exit code \(result.exitCode) · "
                + "\(String(format: "%.2f", result.seconds)) s\(result.interrupted ? " · interrupted" : "") · \(e(tally))</p>")
        body.append("<p class=\"files\">" + files.map { "<a href=\"\(e($0))\">\(e($0))</a>" }.joined(separator: " · ") + "</p>")
        if result.verdict == .skipped {
            body.append("<p>Nothing ran: every step was skipped.</p><ul>" + result.skipReasons.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
        }
        let results = ResultsTemplate(graph: graph, result: result)
        if !results.lines.isEmpty {
            body.append("<h2>Results</h2>")
            body.append(
                TextTable(header: ["", ""], rows: results.lines.map { [$0.label, $0.value] }).html.replacingOccurrences(
                    of: "<tr><th></th><th></th></tr>\n", with: ""))
        }
        if !plots.isEmpty {
            body.append("<h2>Plots</h2>")
            for plot in plots {
                body.append(
                    "<figure><a href=\"\(e(plot.file))\"><img class=\"plot\" src=\"\(e(plot.file))\" alt=\"\(e(plot.caption))\" onload=\"plotLoaded(this, true)\" onerror=\"plotLoaded(this, false)\"></a>"
                        + "<figcaption>\(e(plot.caption))</figcaption></figure>")
            }
        }
        let hops = HopTable(graph: graph, result: result)
        if !hops.rows.isEmpty {
            body.append("<h2>Per-hop loss</h2>")
            body.append(hops.table.html)
            if let conclusion = hops.conclusion { body.append("<p>\(e(conclusion))</p>") }
        }
        let rounds = RoundTable(graph: graph, result: result)
        if !rounds.rows.isEmpty { body += ["<h2>Rounds</h2>", rounds.textTable.html] }
        body.append("<h2>Steps</h2>")
        body.append("<table class=\"steps\">\n<tr><th>step</th><th>status</th><th>seconds</th><th>note</th><th>captures</th></tr>")
        for o in result.outcomes {
            let name = o.outputFile.map { "<a href=\"\(e($0))\">\(e(o.id))</a>" } ?? e(o.id)
            let captures = o.captures.sorted { $0.key < $1.key }.map { "<code>\(e($0.key))</code> = \(e(String($0.value.prefix(200))))" }.joined(
                separator: "<br>")
            body.append(
                "<tr><td>\(name)</td><td class=\"\(o.status.rawValue)\">\(o.status.rawValue)</td><td>\(String(format: "%.2f", o.duration))</td>"
                    + "<td>\(e(String((o.message ?? "").prefix(300))))</td><td>\(captures)</td></tr>")
        }
        body.append("</table>")
        let failures = result.outcomes.filter { !$0.failures.isEmpty }
        if !failures.isEmpty {
            body.append("<h2>Failures</h2><ul>")
            for o in failures {
                for f in o.failures {
                    body.append(
                        "<li><b>\(e(o.id))</b>: <code>\(e(f.expectation))</code> at \(e(f.location)) — expected \(e(f.expected)), actual \(e(String(f.actual.prefix(500))))</li>"
                    )
                }
            }
            body.append("</ul>")
        }
        if !result.cleanupProblems.isEmpty {
            body.append("<h2>Cleanup problems</h2><ul>" + result.cleanupProblems.map { "<li>\(e($0))</li>" }.joined() + "</ul>")
        }
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>\(e(graph.scenario)) — labrunner</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1100px; }
            table { border-collapse: collapse; margin: 0.5em 0 1em; }
            th, td { border: 1px solid #ccc; padding: 3px 8px; text-align: left; vertical-align: top; font-size: 14px; }
            th { background: #f3f3f3; }
            .verdict { font-weight: bold; padding: 1px 6px; border-radius: 3px; color: white; background: #888; }
            .verdict.passed, td.passed { background: #2ca02c; color: white; }
            .verdict.failed, td.failed, .verdict.error, td.error { background: #d62728; color: white; }
            figure { margin: 0 0 1.5em; } img.plot { max-width: 100%; border: 1px solid #ddd; }
            .broken { color: #d62728; font-weight: bold; }
            code { font-size: 13px; }
            </style>
            <script>
            let plotsRendered = 0;
            function plotLoaded(image, ok) {
              image.dataset.rendered = ok && image.naturalWidth > 0 ? "yes" : "no";
              if (image.dataset.rendered === "yes") { plotsRendered += 1; }
              else { image.insertAdjacentHTML("afterend", '<p class="broken">This plot did not load: ' + image.getAttribute("src") + '</p>'); }
              document.body.dataset.plots = plotsRendered + "/" + document.images.length;
            }
            </script>
            </head>
            <body data-plots="0/\(plots.count)">
            \(body.joined(separator: "\n"))
            </body>
            </html>

            """
    }
}
