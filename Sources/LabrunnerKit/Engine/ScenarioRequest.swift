/// One scenario a run is asked for: its file and the `--set` overrides it runs with.
package struct ScenarioRequest: Sendable, Equatable {
    /// The scenario file.
    package var file: String
    /// `name=value` overrides.
    package var overrides: [String]

    /// A request for `file` with `overrides`.
    package init(file: String, overrides: [String]) {
        self.file = file
        self.overrides = overrides
    }
}
