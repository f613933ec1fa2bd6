import Scenarios

/// One `that:` check against captured values: numbers with units compare after conversion
/// (`18ms le 1s`); words compare as text; a delta subtracts the same path of an earlier capture; a
/// bound may name captures (`eq: "${guest_tx}"`), known only when the step has run.
struct ValueComparison {
    let check: ValueCheck
    let variables: [String: String]

    func failures() -> [ExpectationFailure] {
        let location = check.location.description
        guard let current = variables[check.path.value] else {
            return [
                ExpectationFailure(
                    expectation: check.description, location: location, expected: "a captured '\(check.path.value)'",
                    actual: "nothing captured (known: \(variables.keys.sorted().prefix(12).joined(separator: ", ")))")
            ]
        }
        var actualText = current
        var actual = Self.quantity(current)
        if let since = check.since {
            let earlierPath = ([since.value] + check.path.value.split(separator: ".").dropFirst().map(String.init)).joined(separator: ".")
            guard let earlier = variables[earlierPath], let a = actual, let b = Self.quantity(earlier) else {
                return [
                    ExpectationFailure(
                        expectation: check.description, location: location, expected: "numbers in '\(check.path.value)' and '\(earlierPath)'",
                        actual: "\(current) and \(variables[earlierPath] ?? "nothing")")
                ]
            }
            actual = Quantity(a.value - b.converted(to: a.unit), a.unit)
            actualText = "\(actual!) (\(current) − \(earlier))"
        }
        var out: [ExpectationFailure] = []
        for (comparator, written) in check.comparisons {
            let bound = References.substitute(written.value) { variables[$0] }
            if let a = actual, let b = Self.quantity(bound) {
                // A unitless side takes the other side's unit: `downtime: 18` with `le: 500ms`.
                let lhs = a.unit == .none ? Quantity(a.value, b.unit) : a
                let rhs = b.unit == .none ? Quantity(b.value, lhs.unit) : b
                if !comparator.holds(lhs.base, rhs.base) {
                    out.append(
                        ExpectationFailure(
                            expectation: check.description, location: location,
                            expected: "\(comparator.symbol) \(bound)", actual: actualText))
                }
            } else if comparator == .eq || comparator == .ne {
                let equal = current.caseInsensitiveCompare(bound) == .orderedSame
                if equal != (comparator == .eq) {
                    out.append(
                        ExpectationFailure(
                            expectation: check.description, location: location,
                            expected: "\(comparator.symbol) \(bound)", actual: actualText))
                }
            } else {
                out.append(
                    ExpectationFailure(
                        expectation: check.description, location: location,
                        expected: "a number to compare \(comparator.symbol) \(bound)", actual: actualText))
            }
        }
        return out
    }

    static func quantity(_ text: String) -> Quantity? {
        if let d = Double(text) { return Quantity(d, .none) }
        return Quantity(text)
    }
}
