/// What a planned step does, typed: the engine dispatches on it exhaustively. Texts and values are
/// resolved against the lab and params; `${name}` references to captured values are still in them and
/// are filled in when the step runs (`resolving(_:)`).
public enum PlannedAction: Sendable {
    /// A shell line on the target host (or typed into `session`, or at a guest's serial console).
    case run(String, session: String?)
    /// Text typed into `session`; `prompt` is what to wait for instead of the session's own prompt.
    case send(String, session: String?, prompt: String?)
    /// A QMP command; `migration` when it starts a migration to wait for.
    case qmp(JSONValue, migration: Bool)
    /// An HMP command line (sent as QMP's human-monitor-command); `migration` as for qmp.
    case hmp(String, migration: Bool)
    /// A libvirt call.
    case libvirt(LibvirtCall)
    /// Boot a VM role with QEMU from this argument vector; `memoryPath` is the directory its guest memory
    /// file goes in (a file or hugepages backing), which must exist when the VM starts.
    case vmStart(role: String, argv: [String], memoryPath: String?)
    /// Stop a VM role (QMP quit).
    case vmStop(role: String)
    /// Hot-plug (`plug`) or unplug a NIC of a VM role with these QMP commands, in order.
    case vmNIC(role: String, plug: Bool, commands: [JSONValue])
    /// Start a forwarder role: this shell line typed into the step's session. With `copyTo` (a host role
    /// bound to an SSH lab host), the line runs labrunner's own FastPath there: the host's `labrunner` when it is this
    /// labrunner's version, else a copy of FastPath and its libraries in the host's working directory.
    case forwarderStart(role: String, line: String, copyTo: String? = nil)
    /// A testpmd runtime command to a running forwarder role.
    case forwarderCommand(role: String, text: String)
    /// The traffic generator: this shell line on the generator's host. With `copyTo` (a role bound to an
    /// SSH lab host), it runs from the FastPath put there as for `forwarderStart`.
    case traffic(String, copyTo: String? = nil)
    /// The generator's throughput search: this shell line on its host (`copyTo` as for traffic); its
    /// trials go to the run's `trials.jsonl`.
    case search(String, copyTo: String? = nil)
    /// Wait this many seconds.
    case sleep(seconds: Double)
    /// Poll this shell line on the target until it succeeds (it carries its own time limit).
    case poll(String)
    /// Copy a local file to the target.
    case copy(source: String, destination: String, mode: String?)
    /// A block: its steps are planned on their own.
    case block
    /// An action the planner could not bind to this lab (a missing role or host): no driver carries it out.
    case unbound

    /// The QMP JSON sent for qmp and hmp steps, and the last of a NIC hot-plug.
    public var qmp: JSONValue? {
        switch self {
        case .qmp(let json, _): json
        case .hmp(let line, _): Self.humanMonitorCommand(line)
        case .vmNIC(_, _, let commands): commands.last
        default: nil
        }
    }

    /// QMP's envelope for an HMP command line.
    public static func humanMonitorCommand(_ line: String) -> JSONValue {
        .object([("execute", .string("human-monitor-command")), ("arguments", .object([("command-line", .string(line))]))])
    }

    /// The same action with every `${name}` that `lookup` knows replaced, in each text, argument and
    /// JSON string it carries, as data: in shell lines one word each, quoted for where it stands
    /// (ShellLine); in domain XML escaped; in JSON a string's text. Throws for a value that holds a
    /// control character, or stands in a shell line whose quotes do not close.
    public func resolving(_ lookup: (String) -> String?) throws(ShellLine.Problem) -> PlannedAction {
        var problem: ShellLine.Problem?
        func keep<T>(_ result: Result<T, ShellLine.Problem>, _ fallback: T) -> T {
            switch result {
            case .success(let value): return value
            case .failure(let error):
                problem = problem ?? error
                return fallback
            }
        }
        func r(_ text: String) -> String { keep(Result { () throws(ShellLine.Problem) in try ShellLine.plain(text, lookup) }, text) }
        func shell(_ line: String) -> String {
            keep(Result { () throws(ShellLine.Problem) in try ShellLine.substitute(line, captures: lookup) }, line)
        }
        func xml(_ text: String) -> String {
            keep(Result { () throws(ShellLine.Problem) in try ShellLine.plain(text) { lookup($0).map(DomainXML.escape) } }, text)
        }
        let resolved: PlannedAction
        switch self {
        case .run(let line, let session): resolved = .run(shell(line), session: session)
        case .send(let text, let session, let prompt): resolved = .send(shell(text), session: session, prompt: prompt)
        case .qmp(let json, let migration): resolved = .qmp(json.mappingStrings(r), migration: migration)
        case .hmp(let line, let migration): resolved = .hmp(r(line), migration: migration)
        case .libvirt(var call):
            call.argument = call.argument.map(r)
            call.migrationURI = call.migrationURI.map(r)
            call.xml = call.xml.map(xml)
            resolved = .libvirt(call)
        case .vmStart(let role, let argv, let path): resolved = .vmStart(role: role, argv: argv.map(r), memoryPath: path.map(r))
        case .vmNIC(let role, let plug, let commands): resolved = .vmNIC(role: role, plug: plug, commands: commands.map { $0.mappingStrings(r) })
        case .forwarderStart(let role, let line, let copyTo): resolved = .forwarderStart(role: role, line: shell(line), copyTo: copyTo)
        case .forwarderCommand(let role, let text): resolved = .forwarderCommand(role: role, text: r(text))
        case .traffic(let line, let copyTo): resolved = .traffic(shell(line), copyTo: copyTo)
        case .search(let line, let copyTo): resolved = .search(shell(line), copyTo: copyTo)
        case .poll(let line): resolved = .poll(shell(line))
        case .copy(let source, let destination, let mode): resolved = .copy(source: r(source), destination: r(destination), mode: mode)
        case .vmStop, .sleep, .block, .unbound: resolved = self
        }
        if let problem { throw problem }
        return resolved
    }
}
