import Foundation
import Scenarios

/// JUnit XML (the schema Jenkins and GitLab read): one testsuite per scenario, one testcase per step;
/// failed expectations as <failure> with expected vs actual, errors as <error>, skips as <skipped>.
package struct JUnitWriter {
    let suites: [(StepGraph, RunResult)]

    init(suites: [(StepGraph, RunResult)]) { self.suites = suites }

    /// One suite per scenario of `runs` that compiled and ran.
    package init(runs: [ScenarioRun]) {
        suites = runs.compactMap { run in run.graph.flatMap { g in run.result.map { (g, $0) } } }
    }

    /// Writes the XML to `path`.
    package func write(to path: String) throws {
        try xml.write(toFile: path, atomically: true, encoding: .utf8)
    }

    var xml: String {
        var x = ["<?xml version=\"1.0\" encoding=\"UTF-8\"?>"]
        let total = suites.reduce(0) { $0 + $1.1.outcomes.count }
        let failures = suites.reduce(0) { $0 + $1.1.outcomes.filter { $0.status == .failed }.count }
        let errors = suites.reduce(0) { $0 + $1.1.outcomes.filter { [.error, .blocked, .cancelled].contains($0.status) }.count }
        x.append("<testsuites tests=\"\(total)\" failures=\"\(failures)\" errors=\"\(errors)\">")
        for (graph, result) in suites {
            let f = result.outcomes.filter { $0.status == .failed }.count
            let e = result.outcomes.filter { [.error, .blocked, .cancelled].contains($0.status) }.count
            let s = result.outcomes.filter { $0.status == .skipped }.count
            x.append(
                "  <testsuite name=\"\(escape(graph.scenario))\" tests=\"\(result.outcomes.count)\" failures=\"\(f)\" errors=\"\(e)\" skipped=\"\(s)\" time=\"\(format(result.seconds))\">"
            )
            // The suite's verdict: `skipped` when nothing ran (every testcase skipped), never `passed`.
            x.append("    <properties><property name=\"verdict\" value=\"\(result.verdict.rawValue)\"/></properties>")
            for o in result.outcomes {
                let open = "    <testcase classname=\"\(escape(graph.scenario))\" name=\"\(escape(o.id))\" time=\"\(format(o.duration))\""
                switch o.status {
                case .passed:
                    x.append(open + "/>")
                case .failed:
                    x.append(open + ">")
                    let text = o.failures.map(\.message).joined(separator: "\n")
                    x.append("      <failure message=\"\(escape(o.failures.first?.message ?? "failed"))\" type=\"expectation\">\(escape(text))</failure>")
                    x.append("    </testcase>")
                case .skipped:
                    x.append(open + ">")
                    x.append("      <skipped message=\"\(escape(o.message ?? ""))\"/>")
                    x.append("    </testcase>")
                case .error, .blocked, .cancelled:
                    x.append(open + ">")
                    x.append("      <error message=\"\(escape(o.message ?? o.status.rawValue))\" type=\"\(o.status.rawValue)\"/>")
                    x.append("    </testcase>")
                }
            }
            x.append("  </testsuite>")
        }
        x.append("</testsuites>")
        return x.joined(separator: "\n") + "\n"
    }

    private func format(_ seconds: Double) -> String { String(format: "%.3f", seconds) }

    private func escape(_ s: String) -> String { MarkupText.escape(s) }
}
