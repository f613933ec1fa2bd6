import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A guest's serial console, reached through the unix socket QEMU serves it on (`-serial unix:…`).
final class ConsoleSession: InteractiveSession, @unchecked Sendable {
    /// The last line a Linux guest prints on its console when it panics: the console will not answer again.
    private static let kernelPanic = "---\\[ end Kernel panic[^\n]*\\s*"

    /// Consoles have no local process: nothing for the ledger to kill.
    let processGroup: Int32 = 0
    private let stream: TerminalStream

    private init(stream: TerminalStream) { self.stream = stream }

    /// Connects to `socket`, retrying until `timeout` while QEMU starts.
    static func connect(to socket: String, log: URL, timeout: Duration = .seconds(10)) async throws -> ConsoleSession {
        switch try await UnixSocket.connect(socket, until: ContinuousClock.now + timeout) {
        case .success(let fd):
            return ConsoleSession(stream: TerminalStream(fd: fd, log: log))
        case .failure(let error):
            throw SessionError.closed(tail: "cannot connect to the console socket \(socket): \(error.reason)")
        }
    }

    /// A console already connected through `fd` (a relay to the socket on an SSH lab host).
    static func attached(to fd: Int32, log: URL) -> ConsoleSession { ConsoleSession(stream: TerminalStream(fd: fd, log: log)) }

    func send(_ line: String) async throws { try stream.send(line) }

    /// Waits for `pattern`; a guest's panic ends the wait at once with `SessionError.guestPanicked`.
    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply {
        let reply = try await stream.expect("(?:\(pattern))|(?<consolePanic>\(Self.kernelPanic))", timeout: timeout)
        if reply.matchedGroup == "consolePanic" { throw SessionError.guestPanicked(tail: reply.text) }
        return reply
    }

    func close() async { stream.close() }
}
