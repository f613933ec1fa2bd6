/// Resolves a scenario's params: typed defaults, then the lab's defaults for runs on it, then
/// `--set name=value`, every value checked against its param's type, enum values and bounds.
struct ParamResolver {
    /// The params, in order.
    let params: [Param]
    /// Name → the value used in this compilation.
    let values: [String: String]
    /// Name → where its value came from.
    let sources: [String: ParamSource]
    /// Bad defaults, bad or unknown overrides.
    let diagnostics: [Diagnostic]

    /// `lab` gives the lab's defaults (`all` apply where the scenario has the param; those for
    /// `scenario` by name must name one of its params).
    init(entries: [YAMLEntry], overrides: [String], scenario: String = "", lab: (name: String, defaults: LabParamDefaults)? = nil) {
        let params = entries.compactMap(ModelBuilder().param)
        var values: [String: String] = [:]
        var sources: [String: ParamSource] = [:]
        var diagnostics: [Diagnostic] = []
        for param in params {
            if let problem = param.problem(with: param.defaultValue.value), !References.present(in: param.defaultValue.value) {
                diagnostics.append(Diagnostic(.error, "default of \(problem)", at: param.defaultValue.location, length: param.defaultValue.value.count))
            }
            if param.type == .enumeration && param.values.isEmpty {
                diagnostics.append(
                    Diagnostic(.error, "param '\(param.name.value)' of type enum needs 'values'", at: param.name.location, length: param.name.value.count))
            }
            values[param.name.value] = param.defaultValue.value
            sources[param.name.value] = .scenario
        }
        if let lab {
            let specific = lab.defaults.byScenario[scenario] ?? [:]
            for (name, value) in specific.sorted(by: { $0.key < $1.key }) where !params.contains(where: { $0.name.value == name }) {
                diagnostics.append(
                    Diagnostic(
                        .error, "lab '\(lab.name)' sets param '\(name)' of scenario '\(scenario)', which has no such param", at: value.location,
                        suggestion: EditDistance.suggestion(for: name, among: params.map(\.name.value)), length: name.count))
            }
            for param in params {
                let name = param.name.value
                guard let value = specific[name] ?? lab.defaults.all[name] else { continue }
                if let problem = param.problem(with: value.value) {
                    diagnostics.append(Diagnostic(.error, "lab '\(lab.name)' default of \(problem)", at: value.location, length: value.value.count))
                    continue
                }
                values[name] = value.value
                sources[name] = .lab(lab.name)
            }
        }
        for (index, override) in overrides.enumerated() {
            let at = SourceLocation(file: "--set", line: index + 1, column: 1)
            guard let eq = override.firstIndex(of: "=") else {
                diagnostics.append(Diagnostic(.error, "--set '\(override)' must look like name=value", at: at))
                continue
            }
            let name = String(override[..<eq]), value = String(override[override.index(after: eq)...])
            guard let param = params.first(where: { $0.name.value == name }) else {
                diagnostics.append(
                    Diagnostic(
                        .error, "--set: the scenario has no param '\(name)'", at: at,
                        suggestion: EditDistance.suggestion(for: name, among: params.map(\.name.value))))
                continue
            }
            if let problem = param.problem(with: value) {
                diagnostics.append(Diagnostic(.error, "--set: \(problem)", at: at))
                continue
            }
            values[name] = value
            sources[name] = .commandLine
        }
        self.params = params
        self.values = values
        self.sources = sources
        self.diagnostics = diagnostics
    }
}
