/// The values a lab gives scenario params for runs on it, between the scenario's own defaults and
/// `--set`: for every scenario that has a param of that name (`params:`), and for one scenario by
/// name (`scenarios: {NAME: {param: value}}`), which wins.
public struct LabParamDefaults: Sendable {
    /// Param name → value, for every scenario.
    public var all: [String: Located<String>] = [:]
    /// Scenario name → param name → value.
    public var byScenario: [String: [String: Located<String>]] = [:]

    /// No defaults.
    public init() {}
}
