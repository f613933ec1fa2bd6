import Foundation

/// The language's entry points: validate files, and compile a scenario against a lab into a plan.
/// Every file is read through one `SourceReader`.
public struct Compiler: Sendable {
    /// Where files come from.
    public let source: any SourceReader

    /// Creates a compiler reading files from `source`.
    public init(source: any SourceReader = FileSourceReader()) { self.source = source }

    /// Checks scenario files (or directories of them); lab files (a top-level `kind:` of virtual or
    /// ssh, as parsed) are checked as labs. Each file is read once. A scenario that checks clean is also
    /// bound to the lab at `labPath` (the embedded virtual lab when nil), and what binding warns of —
    /// a forwarder command the lab's forwarder does not implement — is reported too.
    public func validate(paths: [String], overrides: [String] = [], labPath: String? = nil) -> (diagnostics: [Diagnostic], sources: [SourceFile]) {
        var diagnostics: [Diagnostic] = []
        var sources: [SourceFile] = []
        let lab = loadLab(labPath)
        if labPath != nil {
            diagnostics += lab.diagnostics
            if let file = lab.source { sources.append(file) }
        }
        for path in expand(paths) {
            let bytes: [UInt8]
            switch source.bytes(at: path) {
            case .success(let read): bytes = read
            case .failure(let error):
                diagnostics.append(DocumentReader.unreadable(path, error))
                continue
            }
            if Self.isLab(bytes, path: path) {
                let (_, d, file) = LabLoader(source: source).load(path: path, bytes: bytes)
                diagnostics += d
                if let file { sources.append(file) }
            } else {
                let result = ScenarioFrontEnd(source: source).load(path: path, bytes: bytes, overrides: overrides, lab: lab.lab)
                diagnostics += result.diagnostics
                sources += result.sources
                if let scenario = result.scenario, let lab = lab.lab, !result.diagnostics.contains(where: { $0.severity == .error }) {
                    diagnostics += GraphBuilder(scenario: scenario, lab: lab).build().1.filter { $0.severity == .warning }
                }
            }
        }
        return (diagnostics, sources)
    }

    /// Loads the lab at `labPath` (the embedded virtual lab when nil; in SSH mode for `virtual-ssh`,
    /// unless a file has that name), with its diagnostics.
    public func loadLab(_ labPath: String?) -> (lab: Lab?, diagnostics: [Diagnostic], source: SourceFile?) {
        let loader = LabLoader(source: source)
        guard let labPath else { return loader.loadEmbedded() }
        if labPath == LabLoader.embeddedSSHLab && !FileManager.default.fileExists(atPath: labPath) { return loader.loadEmbedded(overSSH: true) }
        return loader.load(path: labPath)
    }

    /// Compiles `path` against the lab at `labPath` (the embedded virtual lab when nil), with
    /// `discovered` capabilities added to it (what a run found out, e.g. a working KVM).
    public func plan(path: String, labPath: String?, overrides: [String], discovered: Set<String> = [], rounds: Int = 1) -> PlanResult {
        plan(path: path, lab: loadLab(labPath), overrides: overrides, discovered: discovered, rounds: rounds)
    }

    /// Compiles `path` against a lab loaded once for a whole run (`loadLab`), with `discovered`
    /// capabilities added to it; with `rounds` > 1, its `rounds:` block repeated that many times.
    public func plan(
        path: String, lab loaded: (lab: Lab?, diagnostics: [Diagnostic], source: SourceFile?), overrides: [String],
        discovered: Set<String> = [], rounds: Int = 1
    ) -> PlanResult {
        let result = ScenarioFrontEnd(source: source).load(path: path, overrides: overrides, lab: loaded.lab)
        var diagnostics = result.diagnostics + loaded.diagnostics
        var sources = result.sources
        if let labSource = loaded.source { sources.append(labSource) }
        var lab = loaded.lab
        lab?.capabilities.formUnion(discovered)
        guard var scenario = result.scenario, let lab, !diagnostics.contains(where: { $0.severity == .error }) else {
            return PlanResult(graph: nil, diagnostics: diagnostics, sources: sources)
        }
        var roundSteps: [[String]] = []
        if rounds > 1 {
            if scenario.rounds == nil {
                diagnostics.append(
                    Diagnostic(
                        .warning,
                        "--rounds \(rounds): scenario '\(scenario.name)' has no `rounds:` section (which block is one round, what swaps on the way back), so it runs once",
                        at: SourceLocation(file: path, line: 1, column: 1)))
            }
            (scenario, roundSteps) = RoundExpander(scenario: scenario).expand(rounds: rounds)
        }
        var (graph, bindDiagnostics) = GraphBuilder(scenario: scenario, lab: lab).build()
        graph.rounds = roundSteps
        diagnostics += bindDiagnostics
        return PlanResult(graph: bindDiagnostics.contains { $0.severity == .error } ? nil : graph, diagnostics: diagnostics, sources: sources)
    }

    /// Files named, with directories replaced by the .yaml/.yml files directly inside them (sorted).
    public func expand(_ paths: [String]) -> [String] {
        paths.flatMap { path -> [String] in
            guard source.isDirectory(path) else { return [path] }
            return (source.entries(of: path) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                .map { (path.hasSuffix("/") ? path : path + "/") + $0 }
        }
    }

    /// Whether a file's parsed top level says `kind: virtual` or `kind: ssh` (a lab, not a scenario).
    static func isLab(_ bytes: [UInt8], path: String) -> Bool {
        let loader = YAMLLoader()
        guard let file = loader.source(path: path, bytes: bytes).0, let root = loader.load(file).0 else { return false }
        return ["virtual", "ssh"].contains(root.text("kind")?.value ?? "")
    }
}
