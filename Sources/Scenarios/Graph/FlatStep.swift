/// A concrete step with its dependencies made explicit: blocks dissolved, implicit
/// "previous step" dependencies written out, and the block's `on`, `when` and `requires` inherited.
public struct FlatStep: Sendable {
    /// The step as written.
    public var step: Step
    /// Ids of the concrete steps it waits for.
    public var after: [String]
    /// Its own condition and its enclosing blocks'.
    public var conditions: [Located<Condition>]
    /// The role or session acted on, inherited from blocks when the step has none.
    public var on: Located<String>?
    /// Its own required capabilities and its blocks'.
    public var requires: [Located<String>]
    /// Ids of the enclosing blocks, outermost first.
    public var blocks: [String]

    /// The step id.
    public var id: String { step.id.value }
}
