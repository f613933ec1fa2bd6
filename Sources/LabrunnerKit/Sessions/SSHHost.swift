import Foundation
import Scenarios

/// A lab host reached over SSH (libssh2), as a `RemoteHost`: one persistent connection per host.
struct SSHHost: RemoteHost {
    let connection: LibSSH2Connection

    var name: String { "ssh \(connection.options.user)@\(connection.options.host)" }

    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult {
        try await connection.exec(command, timeout: timeout)
    }

    /// Through the `ssh` binary with the host's key and known_hosts (a password-only host cannot be
    /// reached that way: its undo fails and the run reports it).
    func argv(running line: String) -> [String] {
        OpenSSHHost(options: connection.options, controlPath: "").argv(running: line)
    }

    func openSession(log: URL) async throws -> any InteractiveSession {
        try await SSHShellSession(connection: connection, log: log)
    }

    /// Copies a local file to the host, creating its directory; `destination` changes only once the
    /// whole file has arrived.
    func upload(_ source: String, to destination: String, mode: String?, timeout: Duration?) async throws {
        try await connection.upload(file: source, to: destination, mode: mode.flatMap { Int32($0, radix: 8) } ?? 0o644, timeout: timeout)
    }
}
