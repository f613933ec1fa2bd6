extension SemanticChecker {
    /// Conditions read enum or bool params, compare with words those params can take,
    /// and can hold for some value of the params (else the step can never run).
    func checkConditions() -> [Diagnostic] {
        var out: [Diagnostic] = []
        let params = Dictionary(scenario.params.map { ($0.name.value, $0) }, uniquingKeysWith: { a, _ in a })
        func domain(_ p: Param) -> [String]? {
            switch p.type {
            case .enumeration: p.values
            case .bool: ["true", "false"]
            default: nil
            }
        }
        for item in flat.steps {
            var valid = true
            for condition in item.conditions {
                for term in condition.value.clauses.flatMap({ $0 }) {
                    guard let p = params[term.param] else {
                        out.append(
                            Diagnostic(
                                .error, "condition reads unknown param '\(term.param)'", at: condition.location,
                                suggestion: EditDistance.suggestion(for: term.param, among: params.keys), length: condition.value.description.count))
                        valid = false
                        continue
                    }
                    guard let values = domain(p) else {
                        out.append(
                            Diagnostic(
                                .error, "condition reads param '\(term.param)' of type \(p.type.rawValue); only enum and bool params can be tested",
                                at: condition.location))
                        valid = false
                        continue
                    }
                    if p.type == .enumeration, !values.contains(term.value) {
                        out.append(
                            Diagnostic(
                                .error, "param '\(term.param)' is never '\(term.value)' (values: \(values.joined(separator: ", ")))", at: condition.location,
                                suggestion: EditDistance.suggestion(for: term.value, among: values), length: condition.value.description.count))
                        valid = false
                    }
                }
            }
            guard valid, !item.conditions.isEmpty else { continue }
            // Enumerate every combination of the params read; the step can run if one satisfies all its conditions.
            let names = Array(Set(item.conditions.flatMap { $0.value.params })).sorted()
            var combinations: [[String: String]] = [[:]]
            for name in names {
                let values = params[name].flatMap(domain) ?? []
                combinations = combinations.flatMap { c in values.map { v in c.merging([name: v]) { $1 } } }
                if combinations.count > 4096 { break }
            }
            if !combinations.contains(where: { c in item.conditions.allSatisfy { $0.value.holds(c) } }) {
                let at = item.step.when?.location ?? item.step.id.location
                out.append(
                    Diagnostic(
                        .error,
                        "step '\(item.id)' can never run: its conditions (\(item.conditions.map(\.value.description).joined(separator: "; "))) never hold together",
                        at: at))
            }
        }
        return out
    }
}
