import Foundation
import Scenarios

/// Shared state of one run: captured values, open sessions, the hosts, the ledger, the run directory.
actor RunContext {
    let graph: StepGraph
    let ledger: Ledger
    let directory: URL
    private(set) var variables: [String: String] = [:]
    private var sessions: [String: any InteractiveSession] = [:]

    init(graph: StepGraph, ledger: Ledger, directory: URL) {
        self.graph = graph
        self.ledger = ledger
        self.directory = directory
    }

    /// Adds captured values.
    func store(_ values: [String: String]) {
        variables.merge(values) { $1 }
    }

    /// The host a role or session runs on: a namespace of the virtual lab. Other transports
    /// (SSH) arrive with the drivers.
    func host(for name: String?) throws -> any RemoteHost {
        guard let name else { return LocalHost(namespace: nil) }
        guard let binding = graph.bindings[name] else { throw StepError.unreachable("'\(name)'") }
        guard let namespace = binding.namespace else {
            throw StepError.noDriver(action: "ssh", target: "\(binding.name) (\(binding.transport))")
        }
        return LocalHost(namespace: namespace)
    }

    /// The session with this name, opened (and waited for) on first use.
    func session(_ name: String) async throws -> any InteractiveSession {
        if let open = sessions[name] { return open }
        guard let spec = graph.sessions[name] else { throw StepError.unreachable("session '\(name)'") }
        guard spec.console == "shell" else { throw StepError.noDriver(action: "\(spec.console) console", target: spec.role) }
        let role = graph.bindings[spec.role]
        if let role, role.namespace == nil { throw StepError.noDriver(action: "ssh", target: "\(role.name) (\(role.transport))") }
        let logs = directory.appendingPathComponent("sessions")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let session = try await LocalHost(namespace: role?.namespace).openSession(log: logs.appendingPathComponent("\(name).log"))
        // The terminal's session: its shell and every job it started, foreground or background.
        await ledger.record(kind: "session", name: "\(name) (session id \(session.processGroup))",
                            undo: ["sh", "-c", "pkill -KILL -s \(session.processGroup); true"])
        _ = try await session.expect(spec.prompt, timeout: .seconds(15))
        sessions[name] = session
        return session
    }

    /// Forgets a session (closing it), e.g. after a step using it was cancelled mid-command.
    func drop(_ name: String) async {
        await sessions.removeValue(forKey: name)?.close()
    }

    /// Closes every session.
    func closeAll() async {
        for (_, session) in sessions { await session.close() }
        sessions.removeAll()
    }

    /// The prompt regex of a session.
    func prompt(of name: String) -> String { graph.sessions[name]?.prompt ?? #"[#$] ?$"# }
}
