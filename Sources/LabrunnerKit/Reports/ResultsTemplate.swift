import Scenarios

/// A scenario's results template (the guide's section 4.4) filled in from the run: each line's
/// references to captures replaced by the last value a step captured; one no step captured (its step
/// was skipped, or failed before) says so instead of leaving a blank that reads like a figure.
struct ResultsTemplate {
    /// Label and filled-in text, in the scenario's order.
    let lines: [(label: String, value: String)]

    init(graph: StepGraph, result: RunResult) {
        let captured = result.captured
        lines = graph.results.map { field in
            var missing: [String] = []
            let value = References.substitute(field.text.value) { path in
                if let value = captured[path] { return value }
                missing.append(path)
                return nil
            }
            return (field.label, missing.isEmpty ? value : "not measured (no step captured \(missing.map { "${\($0)}" }.joined(separator: ", ")))")
        }
    }

    /// `Label: value` lines, as the guide's template is shared.
    var text: String { lines.map { "\($0.label): \($0.value)" }.joined(separator: "\n") + "\n" }

    /// `{label: value}` in order.
    var json: JSONValue { .object(lines.map { ($0.label, .string($0.value)) }) }
}
