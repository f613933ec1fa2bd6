import Foundation

/// The language's entry points: validate files, and compile a scenario against a lab into a plan.
public struct Compiler: Sendable {
    /// Creates a compiler.
    public init() {}

    /// Checks scenario files (or directories of them); lab files (a top-level `kind:` of virtual/ssh) are checked as labs.
    public func validate(paths: [String], overrides: [String] = []) -> (diagnostics: [Diagnostic], sources: [SourceFile]) {
        var diagnostics: [Diagnostic] = []
        var sources: [SourceFile] = []
        for path in expand(paths) {
            if isLabFile(path) {
                let (_, d, source) = LabLoader().load(path: path)
                diagnostics += d
                if let source { sources.append(source) }
            } else {
                let result = ScenarioFrontEnd().load(path: path, overrides: overrides)
                diagnostics += result.diagnostics
                sources += result.sources
            }
        }
        return (diagnostics, sources)
    }

    /// Loads the lab at `labPath` (the embedded virtual lab when nil).
    public func lab(_ labPath: String?) -> Lab? {
        (labPath.map { LabLoader().load(path: $0) } ?? LabLoader().loadEmbedded()).0
    }

    /// Compiles `path` against the lab at `labPath` (the embedded virtual lab when nil), with
    /// `discovered` capabilities added to it (what a run found out, e.g. a working KVM).
    public func plan(path: String, labPath: String?, overrides: [String], discovered: Set<String> = []) -> PlanResult {
        let result = ScenarioFrontEnd().load(path: path, overrides: overrides)
        var diagnostics = result.diagnostics
        var sources = result.sources
        var (lab, labDiagnostics, labSource) = labPath.map { LabLoader().load(path: $0) } ?? LabLoader().loadEmbedded()
        lab?.capabilities.formUnion(discovered)
        diagnostics += labDiagnostics
        if let labSource { sources.append(labSource) }
        guard let scenario = result.scenario, let lab, !diagnostics.contains(where: { $0.severity == .error }) else {
            return PlanResult(graph: nil, diagnostics: diagnostics, sources: sources)
        }
        let (graph, bindDiagnostics) = GraphBuilder(scenario: scenario, lab: lab).build()
        diagnostics += bindDiagnostics
        return PlanResult(graph: bindDiagnostics.contains { $0.severity == .error } ? nil : graph, diagnostics: diagnostics, sources: sources)
    }

    /// Files named, with directories replaced by the .yaml/.yml files directly inside them (sorted).
    public func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else { return [path] }
            let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
            return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path.hasSuffix("/") ? path : path + "/") + $0 }
        }
    }

    private func isLabFile(_ path: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else { return false }
        return text.split(separator: "\n").contains { $0 == "kind: virtual" || $0 == "kind: ssh" }
    }
}
