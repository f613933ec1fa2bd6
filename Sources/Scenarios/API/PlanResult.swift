/// What `plan` produced: the graph when everything checked out, and every diagnostic.
public struct PlanResult: Sendable {
    /// The graph (nil when the scenario or lab has errors).
    public var graph: StepGraph?
    /// Diagnostics of the scenario, its includes and the lab.
    public var diagnostics: [Diagnostic]
    /// Files read, for quoting lines.
    public var sources: [SourceFile]
}
