/// One scenario a run is asked for: its file, the `--set` overrides and the rounds it runs with.
package struct ScenarioRequest: Sendable, Equatable {
    /// The scenario file.
    package var file: String
    /// `name=value` overrides.
    package var overrides: [String]
    /// `--rounds`: how many times its `rounds:` block runs.
    package var rounds: Int

    /// A request for `file` with `overrides`.
    package init(file: String, overrides: [String], rounds: Int = 1) {
        self.file = file
        self.overrides = overrides
        self.rounds = rounds
    }
}
