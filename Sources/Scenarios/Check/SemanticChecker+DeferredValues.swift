extension SemanticChecker {
    /// Traffic fields that may hold a capture: labrunner passes their text to the generator when the step
    /// runs. The others are typed when the plan is made, before any step ran.
    static let trafficCaptureFields: Set<String> = ["rate", "dst_mac", "src_ip", "dst_ip", "port"]

    /// A capture in a traffic field that is fixed at plan time would be dropped (the generator would run
    /// at its default): an error at the reference.
    func checkDeferredValues() -> [Diagnostic] {
        let captured = Set(captures.keys)
        var out: [Diagnostic] = []
        for traffic in unresolvedSteps.flatMap(\.allEntries) where traffic.key.value == "traffic" {
            for field in traffic.value.entries ?? [] where !Self.trafficCaptureFields.contains(field.key.value) {
                guard case .scalar(let text, _, let at) = field.value else { continue }
                for ref in References.find(in: text) where captured.contains(ref.root) {
                    out.append(
                        Diagnostic(
                            .error,
                            "'${\(ref.path)}' is a capture, but traffic's \(field.key.value) is fixed when the plan is made; only \(Self.trafficCaptureFields.sorted().joined(separator: ", ")) take a capture",
                            at: SourceLocation(file: at.file, line: at.line, column: at.column + ref.offset), length: ref.path.count + 3))
                }
            }
        }
        return out
    }
}
