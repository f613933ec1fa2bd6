import Foundation

/// An interactive shell on a PTY over SSH. A poller moves what the host prints into an `ExpectBuffer`.
final class SSHShellSession: InteractiveSession, @unchecked Sendable {
    /// No local process: the host hangs up the shell's processes when the channel closes.
    let processGroup: Int32 = 0
    private let connection: LibSSH2Connection
    private let id: Int
    private let output: ExpectBuffer
    private var poller: Task<Void, Never>?

    init(connection: LibSSH2Connection, log: URL) async throws {
        self.connection = connection
        self.id = try await connection.openShell()
        self.output = ExpectBuffer(log: log)
        let (connection, id, output) = (connection, id, output)
        poller = Task.detached {
            while !Task.isCancelled {
                guard let bytes = try? await connection.readShell(id) else { break }
                if bytes.isEmpty { try? await Task.sleep(for: .milliseconds(5)) } else { output.append(bytes) }
            }
            output.end()
        }
        try await RemoteShell.prepare(self)
    }

    func send(_ line: String) async throws { try await connection.writeShell(id, line + "\n") }

    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply {
        try await output.expect(pattern, timeout: timeout)
    }

    func close() async {
        poller?.cancel()
        await connection.closeShell(id)
    }
}
