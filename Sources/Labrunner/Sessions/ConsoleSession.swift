import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A guest's serial console, reached through the unix socket QEMU serves it on (`-serial unix:…`).
final class ConsoleSession: InteractiveSession, @unchecked Sendable {
    /// Consoles have no local process: nothing for the ledger to kill.
    let processGroup: Int32 = 0
    private let stream: TerminalStream

    private init(stream: TerminalStream) { self.stream = stream }

    /// Connects to `socket`, retrying until `timeout` while QEMU starts.
    static func connect(to socket: String, log: URL, timeout: Duration = .seconds(10)) async throws -> ConsoleSession {
        let deadline = ContinuousClock.now + timeout
        var reason = "no such socket"
        while ContinuousClock.now < deadline {
            let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                buffer.copyBytes(from: Array(socket.utf8.prefix(buffer.count - 1)) + [0])
            }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if result == 0 { return ConsoleSession(stream: TerminalStream(fd: fd, log: log)) }
            reason = String(cString: strerror(errno))
            Glibc.close(fd)
            try await Task.sleep(for: .milliseconds(50))
        }
        throw SessionError.closed(tail: "cannot connect to the console socket \(socket): \(reason)")
    }

    func send(_ line: String) async throws { try stream.send(line) }

    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply {
        try await stream.expect(pattern, timeout: timeout)
    }

    func close() async { stream.close() }
}
