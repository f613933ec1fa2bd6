/// One step of a scenario, as written (before params are resolved into a StepGraph).
public struct Step: Sendable {
    /// Unique id.
    public var id: Located<String>
    /// The guide's words.
    public var doc: String?
    /// Guide section.
    public var guide: String?
    /// Role or session acted on.
    public var on: Located<String>?
    /// Explicit dependencies; nil means "the previous step".
    public var after: [Located<String>]?
    /// Condition.
    public var when: Located<Condition>?
    /// Capabilities needed.
    public var requires: [Located<String>]
    /// What it does.
    public var action: Action
    /// Where the action keyword is written.
    public var actionLocation: SourceLocation
    /// What the output must show.
    public var expect: Expectation
    /// Values captured.
    public var captures: [CaptureSpec]
    /// Time limit.
    public var timeout: Quantity?
    /// Retries.
    public var retries: Int
    /// First retry delay.
    public var retryDelay: Quantity?
    /// The shell command that reverts the step's change on its host (run steps).
    public var undo: Located<String>? = nil
    /// Runs whatever happened before (a block's or the scenario's `always` steps).
    public var always: Bool
}
