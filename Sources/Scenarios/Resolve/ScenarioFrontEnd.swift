import Foundation

/// Loads a scenario file: reads it and its includes, expands templates, resolves params
/// (defaults overridden by `--set`), substitutes them, checks structure and semantics, and
/// builds the typed model. Every problem is collected; nothing stops at the first error.
public struct ScenarioFrontEnd: Sendable {
    /// File reading and parsing.
    public var reader = DocumentReader()

    /// Creates a front end reading files from `source`.
    public init(source: any SourceReader = FileSourceReader()) { reader = DocumentReader(source: source) }

    /// Loads the scenario at `path`, applying `lab`'s defaults (for runs on that lab) and then
    /// `overrides` (`name=value`) to its params.
    public func load(path: String, overrides: [String] = [], lab: Lab? = nil) -> LoadResult {
        let main = reader.read(path: path, shape: ScenarioGrammar.scenario)
        return assemble(main: main, path: path, overrides: overrides, lab: lab)
    }

    /// Loads a scenario from bytes, as if read from `path` (includes resolve relative to it).
    public func load(path: String, bytes: [UInt8], overrides: [String] = [], lab: Lab? = nil) -> LoadResult {
        let main = reader.parse(path: path, bytes: bytes, shape: ScenarioGrammar.scenario)
        return assemble(main: main, path: path, overrides: overrides, lab: lab)
    }

    private func assemble(main: Document, path: String, overrides: [String], lab: Lab?) -> LoadResult {
        var diagnostics = main.diagnostics
        var sources = main.source.map { [$0] } ?? []
        guard let root = main.root, root.entries != nil else {
            if let root = main.root, root.entries == nil, !diagnostics.contains(where: { $0.severity == .error }) {
                diagnostics.append(Diagnostic(.error, "a scenario must be a mapping with 'name', 'title' and 'steps', not \(root.kindName)", at: root.location))
            }
            return LoadResult(scenario: nil, diagnostics: Self.sorted(diagnostics), sources: sources)
        }

        // Includes: their shared sections are merged in front of the main file's.
        var fragments: [YAMLNode] = []
        var visited: Set<String> = [URL(fileURLWithPath: path).standardizedFileURL.path]
        collectIncludes(of: root, from: path, visited: &visited, fragments: &fragments, diagnostics: &diagnostics, sources: &sources)
        let documents = fragments + [root]

        func merged(_ key: String, what: String) -> [YAMLEntry] {
            var seen: [String: SourceLocation] = [:]
            var out: [YAMLEntry] = []
            for doc in documents {
                for entry in doc.dictionary(key) {
                    if let first = seen[entry.key.value] {
                        diagnostics.append(
                            Diagnostic(
                                .error, "\(what) '\(entry.key.value)' is already defined at \(first)", at: entry.key.location, length: entry.key.value.count))
                        continue
                    }
                    seen[entry.key.value] = entry.key.location
                    out.append(entry)
                }
            }
            return out
        }
        let paramEntries = merged("params", what: "param")
        let roleEntries = merged("roles", what: "role")
        let sessionEntries = merged("sessions", what: "session")
        let templateEntries = merged("templates", what: "template")
        let linkNodes = documents.flatMap { $0["links"]?.items ?? [] }

        // Templates.
        var expander = TemplateExpander(templates: templateEntries)
        let stepNodes = expander.expand(root["steps"]?.items ?? [])
        let alwaysNodes = expander.expand(root["always"]?.items ?? [])
        diagnostics += expander.diagnostics

        // Params: defaults, then --set overrides, each checked against its type.
        let builder = ModelBuilder()
        let name = root.text("name")?.value ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent
        let resolved = ParamResolver(entries: paramEntries, overrides: overrides, scenario: name, lab: lab.map { ($0.name, $0.paramDefaults) })
        diagnostics += resolved.diagnostics
        let params = resolved.params, values = resolved.values

        // Substitute params, then check again only the scalars that changed: a param whose value
        // is not a MAC, a core list… is reported where the reference is written. Shell lines keep
        // their references: the planner fills them in as data (ShellLine), quoted for where they stand.
        var substituted = Set<SourceLocation>()
        var recheck: [(YAMLNode, Shape, String?)] = []
        func substitute(_ node: YAMLNode, as shape: Shape, name: String? = nil) -> YAMLNode {
            var changed = false
            let result = node.mapScalars(except: SemanticChecker.shellLineKeys.union(["when"])) { text, at in
                let replaced = References.substitute(text) { values[$0] }
                if replaced != text {
                    changed = true
                    substituted.insert(at)
                }
                return replaced
            }
            if changed { recheck.append((result, shape, name)) }
            return result
        }
        let resolvedRoles = roleEntries.map { YAMLEntry(key: $0.key, value: substitute($0.value, as: ScenarioGrammar.role, name: $0.key.value)) }
        let resolvedSessions = sessionEntries.map {
            YAMLEntry(key: $0.key, value: substitute($0.value, as: .object(ScenarioGrammar.session), name: $0.key.value))
        }
        let resolvedSteps = stepNodes.map { substitute($0, as: .ref("step")) }
        let resolvedAlways = alwaysNodes.map { substitute($0, as: .ref("step")) }
        let resolvedLinks = linkNodes.map { substitute($0, as: .object(ScenarioGrammar.link)) }
        for (node, shape, name) in recheck {
            diagnostics += ShapeChecker().check(node, against: shape, name: name).filter { substituted.contains($0.location) }
        }

        var scenario = Scenario(
            name: name,
            title: root.text("title")?.value ?? "",
            guide: root.text("guide")?.value, doc: root.text("doc")?.value, file: path,
            requires: documents.flatMap { $0.texts("requires") },
            params: params, paramValues: values,
            roles: resolvedRoles.compactMap(builder.role),
            links: resolvedLinks.compactMap(builder.link),
            sessions: resolvedSessions.compactMap(builder.session),
            steps: builder.steps(resolvedSteps, always: false),
            always: builder.steps(resolvedAlways, always: true))
        scenario.paramSources = resolved.sources
        scenario.rounds = root["rounds"].flatMap(builder.rounds)
        func reportLines(_ key: String) -> [ResultField] {
            (root[key]?.items ?? []).compactMap { line in
                guard let label = line.text("label"), let text = line.text("value") else { return nil }
                return ResultField(label: label.value, text: Located(References.substitute(text.value) { values[$0] }, at: text.location))
            }
        }
        scenario.results = reportLines("results")
        scenario.hops = reportLines("hops")
        diagnostics += SemanticChecker(scenario: scenario, rawParams: paramEntries, rawDocuments: documents, unresolvedSteps: stepNodes + alwaysNodes).check()
        return LoadResult(scenario: scenario, diagnostics: Self.sorted(diagnostics), sources: sources)
    }

    private func collectIncludes(
        of node: YAMLNode, from path: String, visited: inout Set<String>, fragments: inout [YAMLNode],
        diagnostics: inout [Diagnostic], sources: inout [SourceFile]
    ) {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        for include in node.texts("include") {
            let url = include.value.hasPrefix("/") ? URL(fileURLWithPath: include.value) : directory.appendingPathComponent(include.value)
            let target = url.standardizedFileURL.path
            if visited.contains(target) {
                diagnostics.append(
                    Diagnostic(.error, "include '\(include.value)' is already included (include cycle)", at: include.location, length: include.value.count))
                continue
            }
            visited.insert(target)
            guard case .success(let bytes) = reader.source.bytes(at: target) else {
                diagnostics.append(
                    Diagnostic(
                        .error, "included file '\(include.value)' does not exist (looked for \(target))", at: include.location, length: include.value.count))
                continue
            }
            let doc = reader.parse(path: displayPath(target), bytes: bytes, shape: ScenarioGrammar.fragment)
            diagnostics += doc.diagnostics
            if let source = doc.source { sources.append(source) }
            guard let root = doc.root, root.entries != nil else { continue }
            for key in ["steps", "always"] where root[key] != nil {
                diagnostics.append(
                    Diagnostic(.error, "included files share params, roles, sessions and templates; move '\(key)' into a template", at: root[key]!.location))
            }
            collectIncludes(of: root, from: target, visited: &visited, fragments: &fragments, diagnostics: &diagnostics, sources: &sources)
            fragments.append(root)
        }
    }

    /// A path relative to the working directory when it is inside it.
    func displayPath(_ path: String) -> String {
        let cwd = reader.source.workingDirectory + "/"
        return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
    }

    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        var seen = Set<Diagnostic>()
        return diagnostics.filter { seen.insert($0).inserted }.sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
    }
}
