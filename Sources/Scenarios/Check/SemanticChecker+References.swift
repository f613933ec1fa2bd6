extension SemanticChecker {
    /// Attributes of a role that `${role.attr}` may read; the lab supplies their values.
    static let roleAttributes = ["address", "libvirt", "name", "namespace", "user", "workdir"]
    /// Lab values that `${lab.attr}` may read.
    static let labAttributes = ["name"] + labCommands
    /// The lab attributes that are commands (a program and its first arguments, as the lab file writes
    /// them): in a shell line each of their words is a word.
    static let labCommands = ["testpmd", "fastpath", "pdump", "qemu", "ethtool"]

    /// Capture name → the step that captures it and how.
    var captures: [String: (step: String, spec: CaptureSpec)] {
        var out: [String: (String, CaptureSpec)] = [:]
        for step in allSteps {
            for c in step.captures where out[c.name.value] == nil { out[c.name.value] = (step.id.value, c) }
        }
        return out
    }

    /// Whether `step` is, or waits for, `capturer`.
    func sees(_ capturer: String, from step: String) -> Bool {
        capturer == step || reachability.runsBefore(capturer, step)
    }

    /// Every `${…}` resolves: to a param, a capture taken by an earlier step, or a role attribute.
    func checkReferences() -> [Diagnostic] {
        let params = Set(rawParams.map(\.key.value))
        let captures = self.captures
        let roles = Set(scenario.roles.map(\.name.value))
        let candidates = Array(params) + Array(captures.keys) + scenario.roles.map { "\($0.name.value).address" }
        var out: [Diagnostic] = []

        /// `step`: the step the node is in; `afterRun`: the node is read once the run is over (results),
        /// when every capture a step took is there.
        func visit(_ node: YAMLNode, step: String?, afterRun: Bool = false) {
            switch node {
            case .scalar(let text, _, let at):
                for ref in References.find(in: text) {
                    let location = SourceLocation(file: at.file, line: at.line, column: at.column + ref.offset)
                    let segments = ref.path.split(separator: ".").map(String.init)
                    if params.contains(ref.path) { continue }
                    if ref.root == "lab", !roles.contains("lab") {
                        if segments.count != 2 || !Self.labAttributes.contains(segments[1]) {
                            out.append(
                                Diagnostic(
                                    .error, "'${\(ref.path)}': a lab reference reads one of \(Self.labAttributes.joined(separator: ", "))", at: location,
                                    suggestion: segments.count == 2
                                        ? EditDistance.suggestion(for: segments[1], among: Self.labAttributes).map { "${lab.\($0)}" } : nil,
                                    length: ref.path.count + 3))
                        }
                        continue
                    }
                    if roles.contains(ref.root) {
                        if segments.count != 2 || !Self.roleAttributes.contains(segments[1]) {
                            out.append(
                                Diagnostic(
                                    .error, "'${\(ref.path)}': a role reference reads one of \(Self.roleAttributes.joined(separator: ", "))", at: location,
                                    suggestion: segments.count == 2
                                        ? EditDistance.suggestion(for: segments[1], among: Self.roleAttributes).map { "${\(ref.root).\($0)}" } : nil,
                                    length: ref.path.count + 3))
                        }
                        continue
                    }
                    if let capture = captures[ref.root] {
                        if afterRun { continue }
                        guard let step else {
                            out.append(
                                Diagnostic(
                                    .error, "'${\(ref.path)}' is a capture; captures can only be used in steps", at: location, length: ref.path.count + 3))
                            continue
                        }
                        if !sees(capture.step, from: step) {
                            out.append(
                                Diagnostic(
                                    .error,
                                    "step '\(step)' uses '${\(ref.path)}', captured by step '\(capture.step)', which does not run before it; add '\(capture.step)' to its after:",
                                    at: location, length: ref.path.count + 3))
                        }
                        continue
                    }
                    out.append(
                        Diagnostic(
                            .error, "unknown reference '${\(ref.path)}'; not a param, capture or role attribute", at: location,
                            suggestion: EditDistance.suggestion(for: ref.path, among: candidates).map { "${\($0)}" }, length: ref.path.count + 3))
                }
            case .sequence(let items, _):
                for item in items { visit(item, step: step, afterRun: afterRun) }
            case .mapping(let entries, _):
                let isStep = entries.contains { $0.key.value == "id" } && entries.contains { ScenarioGrammar.actions.contains($0.key.value) }
                let id = isStep ? node.text("id")?.value : step
                for entry in entries {
                    if isStep, entry.key.value == "block" || entry.key.value == "always" {
                        for child in entry.value.items ?? [] { visit(child, step: nil) }
                    } else {
                        visit(entry.value, step: id, afterRun: afterRun)
                    }
                }
            }
        }
        for step in unresolvedSteps { visit(step, step: nil) }
        for doc in rawDocuments {
            for key in ["roles", "sessions", "links", "params"] {
                if let section = doc[key] { visit(section, step: nil) }
            }
            for key in ["results", "hops"] { if let lines = doc[key] { visit(lines, step: nil, afterRun: true) } }
        }
        return out
    }

    /// Captures are named once, say how to capture, and checks read existing fields with matching units.
    func checkCaptures() -> [Diagnostic] {
        var out: [Diagnostic] = []
        var seen: [String: SourceLocation] = [:]
        let params = Set(scenario.params.map(\.name.value))
        for step in allSteps {
            for c in step.captures {
                if let first = seen[c.name.value] {
                    out.append(
                        Diagnostic(
                            .error, "capture '\(c.name.value)' is already captured at \(first); names are global", at: c.name.location,
                            length: c.name.value.count))
                }
                seen[c.name.value] = c.name.location
                if !ScalarFormat.isIdentifier(c.name.value) {
                    // A name made of a template's params, as the use filled them in.
                    out.append(
                        Diagnostic(
                            .error, "capture name '\(c.name.value)' is not a valid name (letters, digits, '_', '-', '.'): check the template's 'with:' values",
                            at: c.name.location, length: c.name.value.count))
                }
                if params.contains(c.name.value) {
                    out.append(Diagnostic(.error, "capture '\(c.name.value)' has the same name as a param", at: c.name.location, length: c.name.value.count))
                }
                if c.regex == nil && c.parser == nil {
                    out.append(Diagnostic(.error, "capture '\(c.name.value)' needs 'regex' or 'parse'", at: c.name.location, length: c.name.value.count))
                }
                if c.regex != nil && c.parser != nil {
                    out.append(
                        Diagnostic(.error, "capture '\(c.name.value)' has both 'regex' and 'parse'; use one", at: c.name.location, length: c.name.value.count))
                }
            }
        }
        let captures = self.captures
        for step in allSteps {
            for check in step.expect.checks {
                if check.comparisons.isEmpty {
                    out.append(Diagnostic(.error, "check of '\(check.path.value)' compares nothing; add eq, ne, lt, le, gt or ge", at: check.location))
                }
                let unit = validate(path: check.path, in: step, captures: captures, into: &out)
                if let since = check.since {
                    if let earlier = captures[since.value] {
                        let current = captures[String(check.path.value.split(separator: ".").first ?? "")]
                        if let current, earlier.spec.parser != current.spec.parser {
                            out.append(
                                Diagnostic(
                                    .error, "delta since '\(since.value)': it was captured differently from '\(check.path.value)'", at: since.location,
                                    length: since.value.count))
                        }
                        if !sees(earlier.step, from: step.id.value) {
                            out.append(
                                Diagnostic(
                                    .error, "delta since '\(since.value)': step '\(earlier.step)' does not run before step '\(step.id.value)'",
                                    at: since.location, length: since.value.count))
                        }
                    } else {
                        out.append(
                            Diagnostic(
                                .error, "unknown capture '\(since.value)'", at: since.location,
                                suggestion: EditDistance.suggestion(for: since.value, among: captures.keys), length: since.value.count))
                    }
                }
                for (comparator, bound) in check.comparisons {
                    guard !References.present(in: bound.value) else { continue }
                    if let q = Quantity(bound.value), let unit, q.unit != .none, unit != .none, q.unit.dimension != unit.dimension {
                        out.append(
                            Diagnostic(
                                .error,
                                "'\(comparator.rawValue): \(bound.value)' compares \(q.unit.dimension.rawValue) with '\(check.path.value)', which is \(unit.dimension.rawValue) (\(unit.rawValue))",
                                at: bound.location, length: bound.value.count))
                    }
                }
            }
        }
        return out
    }

    /// Checks a capture path and returns the unit of what it reads, if known.
    private func validate(
        path: Located<String>, in step: Step, captures: [String: (step: String, spec: CaptureSpec)],
        into out: inout [Diagnostic]
    ) -> Unit? {
        let segments = path.value.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let capture = captures[segments[0]] else {
            out.append(
                Diagnostic(
                    .error, "unknown capture '\(segments[0])'", at: path.location,
                    suggestion: EditDistance.suggestion(for: segments[0], among: captures.keys), length: path.value.count))
            return nil
        }
        if !sees(capture.step, from: step.id.value) {
            out.append(
                Diagnostic(
                    .error, "'\(segments[0])' is captured by step '\(capture.step)', which does not run before step '\(step.id.value)'", at: path.location,
                    length: path.value.count))
        }
        guard let parser = capture.spec.parser else {
            if segments.count > 1 {
                out.append(
                    Diagnostic(
                        .error, "capture '\(segments[0])' is a single value; it has no field '\(segments.dropFirst().joined(separator: "."))'",
                        at: path.location, length: path.value.count))
            }
            return capture.spec.unit
        }
        let expected = parser.perPort ? 3 : 2
        let shape = parser.perPort ? "\(segments[0]).<port>.<field>" : "\(segments[0]).<field>"
        guard segments.count == expected, let field = segments.last else {
            out.append(
                Diagnostic(
                    .error, "'\(path.value)' must look like \(shape) (fields of \(parser.rawValue): \(parser.fields.joined(separator: ", ")))",
                    at: path.location, length: path.value.count))
            return nil
        }
        if parser.perPort, Int(segments[1]) == nil, !segments[1].hasPrefix("$") {
            out.append(Diagnostic(.error, "'\(path.value)': port must be a number", at: path.location, length: path.value.count))
        }
        if !parser.fields.contains(field) {
            out.append(
                Diagnostic(
                    .error, "\(parser.rawValue) has no field '\(field)'", at: path.location,
                    suggestion: EditDistance.suggestion(for: field, among: parser.fields).map { (segments.dropLast() + [$0]).joined(separator: ".") },
                    length: path.value.count))
        }
        return nil
    }
}
