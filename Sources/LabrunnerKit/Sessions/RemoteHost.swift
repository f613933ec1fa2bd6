import Foundation

/// A machine steps run on: this machine, a namespace on it, or (later) an SSH host.
/// Each transport implements it once; the engine only sees this protocol.
protocol RemoteHost: Sendable {
    /// Name for logs and errors.
    var name: String { get }
    /// Runs a shell command to completion.
    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult
    /// Opens an interactive terminal; everything it prints is appended to `log`.
    func openSession(log: URL) async throws -> any InteractiveSession
    /// A command of its own (for the ledger, which replays it after the run, or from `labrunner
    /// cleanup`) that runs the shell line `line` on this host.
    func argv(running line: String) -> [String]
}

/// A terminal driven by expect: send a line, wait for a pattern.
protocol InteractiveSession: Sendable {
    /// Process (and session) id of the terminal's program, for the ledger.
    var processGroup: Int32 { get }
    /// Types `line` and Enter.
    func send(_ line: String) async throws
    /// Waits until what the terminal printed since the last match ends with `pattern` (a prompt); returns
    /// the text before it and which named group (`(?<name>…)`) matched, if any.
    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply
    /// Ends the terminal and its processes.
    func close() async
}
