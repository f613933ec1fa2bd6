import Foundation
import Scenarios

/// Applies a step's captures and expectations to its output.
struct ExpectationEvaluator {
    let step: PlannedStep

    /// Values captured from the output, by name (`downtime`) or name.field (`stats.0.rx_packets`).
    func captures(from output: StepOutput) -> (values: [String: String], failures: [ExpectationFailure]) {
        var values: [String: String] = [:]
        var failures: [ExpectationFailure] = []
        for capture in step.captures {
            let name = capture.name.value
            if let parser = capture.parser {
                do {
                    for (field, value) in try parser.parser.parse(output.text) { values["\(name).\(field)"] = value }
                } catch {
                    failures.append(
                        ExpectationFailure(
                            expectation: "capture \(name) (parse \(parser.rawValue))", location: capture.name.location.description,
                            expected: "output \(parser.rawValue) can read", actual: "\(error)"))
                }
            } else if let pattern = capture.regex {
                guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]),
                    let match = regex.firstMatch(in: output.text, range: NSRange(output.text.startIndex..., in: output.text)),
                    match.numberOfRanges > capture.group, let range = Range(match.range(at: capture.group), in: output.text)
                else {
                    failures.append(
                        ExpectationFailure(
                            expectation: "capture \(name) /\(pattern)/", location: capture.name.location.description,
                            expected: "a match", actual: Self.excerpt(output.text)))
                    continue
                }
                values[name] = String(output.text[range]) + (capture.unit?.rawValue ?? "")
            }
        }
        return (values, failures)
    }

    /// Every expectation that does not hold; `variables` holds all captures so far (this step's included).
    func failures(_ output: StepOutput, variables: [String: String]) -> [ExpectationFailure] {
        let e = step.expect
        var out: [ExpectationFailure] = []
        let exit = e.exit ?? (step.keyword == "run" ? 0 : nil)
        if let exit, let status = output.status, status != Int32(exit) {
            out.append(
                ExpectationFailure(
                    expectation: "exit \(exit)", location: step.location.description, expected: "exit status \(exit)",
                    actual: "exit status \(status)" + (output.stderr.isEmpty ? "" : ": \(Self.excerpt(output.stderr))")))
        }
        // Captured values fill the texts (roles' attributes and params were filled in when planning).
        func filled(_ text: Located<String>) -> (String, String) { (References.substitute(text.value) { variables[$0] }, text.location.description) }
        for (text, location) in e.contains.map(filled) where !output.text.contains(text) {
            out.append(
                ExpectationFailure(
                    expectation: "contains \"\(text)\"", location: location,
                    expected: "output containing \"\(text)\"", actual: Self.excerpt(output.text)))
        }
        for (text, location) in e.notContains.map(filled) where output.text.contains(text) {
            out.append(
                ExpectationFailure(
                    expectation: "not contains \"\(text)\"", location: location,
                    expected: "output without \"\(text)\"", actual: Self.excerpt(around: text, in: output.text)))
        }
        for pattern in e.regex {
            let regex = try? NSRegularExpression(pattern: pattern.value, options: [.anchorsMatchLines])
            if regex?.firstMatch(in: output.text, range: NSRange(output.text.startIndex..., in: output.text)) == nil {
                out.append(
                    ExpectationFailure(
                        expectation: "matches /\(pattern.value)/", location: pattern.location.description,
                        expected: "a match", actual: Self.excerpt(output.text)))
            }
        }
        for check in e.checks {
            out += ValueComparison(check: check, variables: variables).failures()
        }
        if case .forwarderCommand = step.action, let error = ForwarderErrorReply.firstError(in: output.text),
            !expects(error, contains: e.contains.map(filled).map(\.0), regex: e.regex.map(\.value))
        {
            out.append(
                ExpectationFailure(
                    expectation: "forwarder answers without an error", location: step.location.description,
                    expected: "no error reply to '\(step.command)'", actual: error))
        }
        return out
    }

    /// Whether the step asks for this error line itself (a step that checks a refusal).
    private func expects(_ error: String, contains: [String], regex: [String]) -> Bool {
        contains.contains { !$0.isEmpty && error.contains($0) }
            || regex.contains { pattern in
                (try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]))?
                    .firstMatch(in: error, range: NSRange(error.startIndex..., in: error)) != nil
            }
    }

    /// The output as evidence: exact when short (whitespace matters to a regex), its end when long.
    static func excerpt(_ text: String) -> String {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "(no output)" }
        return text.count > 200 ? "…" + String(text.suffix(200)).debugDescription : text.debugDescription
    }

    static func excerpt(around needle: String, in text: String) -> String {
        guard let range = text.range(of: needle) else { return excerpt(text) }
        let line = text[..<range.lowerBound].split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? ""
        return (line + text[range.lowerBound...].prefix { $0 != "\n" }).debugDescription
    }
}
