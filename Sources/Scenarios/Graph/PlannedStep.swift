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
    /// The action keyword (run, send, qmp, …).
    public var action: String
    /// The exact command: shell line, text sent, QMP JSON, HMP text, domain XML, FastPath/testpmd command.
    public var command: String
    /// The QMP JSON actually sent, for qmp and hmp steps.
    public var qmp: JSONValue?
    /// What a send step waits for instead of its session's prompt.
    public var prompt: String?
    /// For vm steps: the VM role and what to do with it (start, stop, plug, unplug).
    public var vm: (role: String, verb: String)?
    /// For steps that start a long-lived program (a VM): its argument vector, exactly as `command` shows it.
    public var argv: [String]?
    /// For libvirt steps: what to call, on which domain, through which connection.
    public var libvirt: LibvirtCall?
    /// For fastpath steps: the forwarder role, and whether the step starts it (else it sends a command
    /// to its prompt).
    public var forwarder: (role: String, start: Bool)?
    /// For copy steps: the local file, where it goes on the target, and its mode.
    public var transfer: (src: String, dest: String, mode: String?)?
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
    /// Where the step is written.
    public var location: SourceLocation
}
