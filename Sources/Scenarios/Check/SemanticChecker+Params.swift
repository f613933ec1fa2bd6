extension SemanticChecker {
    /// A param nothing references is probably a typo or a leftover.
    func checkUnusedParams() -> [Diagnostic] {
        var used = Set<String>()
        func visit(_ node: YAMLNode) {
            switch node {
            case .scalar(let s, _, _):
                for ref in References.find(in: s) { used.insert(ref.root) }
            case .sequence(let items, _): items.forEach(visit)
            case .mapping(let entries, _): entries.forEach { visit($0.value) }
            }
        }
        for doc in rawDocuments {
            for entry in doc.entries ?? [] where entry.key.value != "params" { visit(entry.value) }
            for param in doc.dictionary("params") { visit(param.value) }
        }
        unresolvedSteps.forEach(visit)
        return rawParams.filter { !used.contains($0.key.value) }.map {
            Diagnostic(.warning, "param '\($0.key.value)' is never used", at: $0.key.location, length: $0.key.value.count)
        }
    }

    /// `fastpath:` commands are testpmd runtime commands labrunner knows.
    func checkForwarderCommands() -> [Diagnostic] {
        var out: [Diagnostic] = []
        for step in allSteps {
            guard case .forwarderCommand(let command) = step.action, !ForwarderVocabulary.knows(command) else { continue }
            out.append(
                Diagnostic(
                    .warning, "step '\(step.id.value)': '\(command)' is not a testpmd command labrunner knows; it is sent as typed", at: step.actionLocation,
                    suggestion: ForwarderVocabulary.nearest(command)))
        }
        return out
    }
}
