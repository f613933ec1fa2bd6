/// A concrete step of the StepGraph: params resolved, target bound to the lab, exact command rendered.
public struct PlannedStep: Sendable {
    /// Step id.
    public var id: String
    /// Ids of steps it waits for.
    public var after: [String]
    /// The role or session it acts on.
    public var on: String?
    /// How the target is reached (`ip netns exec lr-host_server_1`, `ssh root@10.237.212.46`, `qmp unix:/…`, `session t1`).
    public var target: String
    /// The action's keyword as the scenario writes it (run, send, qmp, fastpath, …), for plans and reports.
    public var keyword: String
    /// What it does, typed; the engine dispatches on this.
    public var action: PlannedAction
    /// The exact command, for display: shell line, text sent, QMP JSON, HMP text, domain XML,
    /// FastPath/testpmd command.
    public var command: String
    /// Why it will not run, if it will not (condition false, capability missing).
    public var skip: String?
    /// Runs even when steps before it failed.
    public var always: Bool
    /// The guide's words and section.
    public var doc: String?, guide: String?
    /// What the output must show.
    public var expect: Expectation
    /// What is captured.
    public var captures: [CaptureSpec]
    /// Timeout in seconds.
    public var timeout: Double?
    /// Retries and first retry delay in seconds.
    public var retries: Int, retryDelay: Double
    /// The shell line that reverts the step on its host (captured values still `${name}`, filled in
    /// when the step runs, as in its own line).
    public var undo: String? = nil
    /// Where the step is written.
    public var location: SourceLocation

    /// The QMP JSON sent, for qmp and hmp steps.
    public var qmp: JSONValue? { action.qmp }

    /// The libvirt call, for libvirt steps.
    public var libvirtCall: LibvirtCall? {
        if case .libvirt(let call) = action { return call }
        return nil
    }
}
