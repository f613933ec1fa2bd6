/// Resolves a scenario's params: typed defaults, overridden by `--set name=value`, every value
/// checked against its param's type, enum values and bounds.
struct ParamResolver {
    /// The params, in order.
    let params: [Param]
    /// Name → the value used in this compilation.
    let values: [String: String]
    /// Bad defaults, bad or unknown overrides.
    let diagnostics: [Diagnostic]

    init(entries: [YAMLEntry], overrides: [String]) {
        let params = entries.compactMap(ModelBuilder().param)
        var values: [String: String] = [:]
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
        }
        self.params = params
        self.values = values
        self.diagnostics = diagnostics
    }
}
