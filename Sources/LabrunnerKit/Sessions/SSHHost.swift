import Foundation
import Scenarios

/// A lab host reached over SSH (libssh2), as a `RemoteHost`: one persistent connection per host.
struct SSHHost: RemoteHost {
    let connection: LibSSH2Connection

    var name: String { "ssh \(connection.options.user)@\(connection.options.host)" }

    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult {
        try await connection.exec(command, timeout: timeout)
    }

    func openSession(log: URL) async throws -> any InteractiveSession {
        try await SSHShellSession(connection: connection, log: log)
    }

    /// Copies a local file to the host, creating its directory.
    func upload(_ source: String, to destination: String, mode: String?) async throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: source))
        _ = try await connection.exec("mkdir -p \(Shell.quote((destination as NSString).deletingLastPathComponent))", timeout: .seconds(30))
        try await connection.upload(data, to: destination, mode: mode.flatMap { Int32($0, radix: 8) } ?? 0o644)
    }
}
