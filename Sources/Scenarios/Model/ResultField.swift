/// One line of a scenario's results template (the guide's section 4.4): a label and the text that
/// fills it, with `${param}`, `${capture}` and `${lab.…}` / `${role.…}` references.
public struct ResultField: Sendable {
    /// What the line is (`Traffic Generator`, `Result`).
    public var label: String
    /// Its text; params are filled in, captures stay references until the run has them.
    public var text: Located<String>

    /// Creates a field.
    public init(label: String, text: Located<String>) {
        self.label = label
        self.text = text
    }
}
