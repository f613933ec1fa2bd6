import Foundation
import Logging
import Scenarios

#if canImport(Glibc)
import Glibc
#endif

/// QMP over a unix socket or TCP (`tcp:host:port`, reached from the VM host's namespace): greeting, `qmp_capabilities`, commands with `id`s matched to replies, and
/// events kept for `waitForEvent`. A dedicated thread reads the socket (blocking I/O stays off the
/// cooperative pool); waiters are resumed from it.
final class QMPClient: MonitorConnection, @unchecked Sendable {
    let socketPath: String
    private let fd: Int32
    private let logger: Logger?
    private let lock = NSLock()
    private var nextID = 1
    private var replies: [String: CheckedContinuation<String, Error>] = [:]
    /// Commands sent or being sent, and replies that arrived before their waiter.
    private var expected: Set<String> = []
    private var early: [String: String] = [:]
    private var events: [(name: String, data: JSONValue, line: String)] = []
    private var eventWaiters: [(id: Int, name: String, matching: (JSONValue) -> Bool, continuation: CheckedContinuation<String, Error>)] = []
    private var greeting: CheckedContinuation<String, Error>?
    private var greeted: String?
    private var closed = false

    /// Connects (retrying until `timeout`, as QEMU creates the socket when it starts), reads the greeting
    /// and negotiates capabilities.
    static func connect(to path: String, namespace: String? = nil, timeout: Duration = .seconds(10), logger: Logger? = nil) async throws -> QMPClient {
        let deadline = ContinuousClock.now + timeout
        let connected: Result<Int32, UnixSocket.ConnectError>
        if let (host, port) = tcpAddress(path) {
            connected = try await TCPSocket.connect(host: host, port: port, namespace: namespace, until: deadline)
        } else {
            connected = try await UnixSocket.connect(path, until: deadline)
        }
        switch connected {
        case .success(let fd):
            let client = QMPClient(socketPath: path, fd: fd, logger: logger)
            try await client.handshake(timeout: max(.seconds(1), deadline - ContinuousClock.now))
            return client
        case .failure(let error):
            logger?.error("qmp: cannot connect to \(path): \(error.reason)")
            throw QMPError.cannotConnect(socket: path, reason: error.reason)
        }
    }

    /// A client over an already connected descriptor (a relay to a remote host's socket): greeting and
    /// capabilities, within `timeout`.
    static func connect(over fd: Int32, name: String, timeout: Duration = .seconds(10), logger: Logger? = nil) async throws -> QMPClient {
        let client = QMPClient(socketPath: name, fd: fd, logger: logger)
        try await client.handshake(timeout: timeout)
        return client
    }

    /// `tcp:host:port` split, or nil for a unix socket path.
    static func tcpAddress(_ address: String) -> (String, Int)? {
        guard address.hasPrefix("tcp:") else { return nil }
        let rest = address.dropFirst(4)
        guard let colon = rest.lastIndex(of: ":"), let port = Int(rest[rest.index(after: colon)...]) else { return nil }
        let host = String(rest[..<colon])
        return (host.isEmpty ? "127.0.0.1" : host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")), port)
    }

    private init(socketPath: String, fd: Int32, logger: Logger?) {
        self.socketPath = socketPath
        self.logger = logger
        self.fd = fd
        NonBlockingIO.prepare(fd)
        Thread.detachNewThread { [self] in readLoop() }
    }

    private func handshake(timeout: Duration) async throws {
        let socket = socketPath
        _ = try await withDeadline(timeout, error: QMPError.noGreeting(socket: socket, after: timeout)) { [self] in
            try await withCheckedThrowingContinuation { continuation in
                lock.withLock {
                    if let greeted {
                        continuation.resume(returning: greeted)
                    } else if closed {
                        continuation.resume(throwing: QMPError.disconnected(socket: socket))
                    } else {
                        greeting = continuation
                    }
                }
            }
        } onTimeout: { [self] in
            lock.withLock { () -> CheckedContinuation<String, Error>? in
                defer { greeting = nil }
                return greeting
            }?.resume(throwing: QMPError.noGreeting(socket: socket, after: timeout))
        }
        _ = try await execute(.object([("execute", .string("qmp_capabilities"))]), timeout: timeout)
    }

    func execute(_ command: JSONValue, timeout: Duration) async throws -> String {
        guard case .object(var fields) = command, case .string(let name)? = fields.first(where: { $0.0 == "execute" })?.1 else {
            throw QMPError.command(name: "?", errorClass: "InvalidCommand", description: "not a QMP command object")
        }
        let id = lock.withLock { () -> String in
            defer { nextID += 1 }
            return "lr-\(nextID)"
        }
        fields.append(("id", .string(id)))
        let line = JSONValue.object(fields).rendered(pretty: false) + "\n"
        logger?.debug("qmp \(socketPath) → \(line.dropLast())")
        let deadline = ContinuousClock.now + timeout
        try lock.withLock {
            if closed { throw QMPError.disconnected(socket: socketPath) }
            expected.insert(id)
        }
        defer {
            lock.withLock {
                expected.remove(id)
                early.removeValue(forKey: id)
            }
        }
        // The write has the command's deadline too: a monitor that stops reading (QEMU stopped or hung)
        // fails the command, and the connection is shut down, as a half-written command would garble
        // the next. It waits on a thread of its own, off the cooperative pool.
        let bytes = Array(line.utf8)
        let descriptor = fd
        let failure = await withCheckedContinuation { continuation in
            Thread.detachNewThread { continuation.resume(returning: NonBlockingIO.write(bytes, to: descriptor, within: timeout)) }
        }
        switch failure {
        case nil: break
        case .notReading:
            shutdown(fd, Int32(SHUT_RDWR))
            throw QMPError.notReading(socket: socketPath, after: timeout)
        case .closed: throw QMPError.disconnected(socket: socketPath)
        }
        let remaining = max(.zero, deadline - ContinuousClock.now)
        let reply = try await withDeadline(remaining, error: QMPError.timeout(command: name, after: timeout)) { [self] in
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<String, Error>) in
                let ready = lock.withLock { () -> Result<String, Error>? in
                    if let line = early.removeValue(forKey: id) { return .success(line) }
                    if closed { return .failure(QMPError.disconnected(socket: socketPath)) }
                    replies[id] = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onTimeout: { [self] in
            lock.withLock { replies.removeValue(forKey: id) }?.resume(throwing: QMPError.timeout(command: name, after: timeout))
        }
        logger?.debug("qmp \(socketPath) ← \(reply)")
        if let error = JSONValue(parsing: reply)?["error"] {
            logger?.warning("qmp \(socketPath): \(name) failed: \(error["desc"]?.string ?? "?")")
            throw QMPError.command(name: name, errorClass: error["class"]?.string ?? "?", description: error["desc"]?.string ?? "")
        }
        return reply
    }

    func hmp(_ commandLine: String, timeout: Duration) async throws -> String {
        let reply = try await execute(
            .object([
                ("execute", .string("human-monitor-command")),
                ("arguments", .object([("command-line", .string(commandLine))])),
            ]), timeout: timeout)
        return (JSONValue(parsing: reply)?["return"]?.string ?? "").replacingOccurrences(of: "\r\n", with: "\n")
    }

    func waitForEvent(_ name: String, timeout: Duration, matching: @escaping @Sendable (JSONValue) -> Bool) async throws -> String {
        let waiterID = lock.withLock { () -> Int in
            defer { nextID += 1 }
            return nextID
        }
        return try await withDeadline(timeout, error: QMPError.timeout(command: "event \(name)", after: timeout)) { [self] in
            try await withCheckedThrowingContinuation { continuation in
                lock.withLock {
                    if let index = events.firstIndex(where: { $0.name == name && matching($0.data) }) {
                        continuation.resume(returning: events.remove(at: index).line)
                    } else if closed {
                        continuation.resume(throwing: QMPError.disconnected(socket: socketPath))
                    } else {
                        eventWaiters.append((waiterID, name, matching, continuation))
                    }
                }
            }
        } onTimeout: { [self] in
            lock.withLock { () -> CheckedContinuation<String, Error>? in
                guard let index = eventWaiters.firstIndex(where: { $0.id == waiterID }) else { return nil }
                return eventWaiters.remove(at: index).continuation
            }?.resume(throwing: QMPError.timeout(command: "event \(name)", after: timeout))
        }
    }

    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    private func readLoop() {
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = NonBlockingIO.read(fd, into: &chunk)
            if n <= 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                pending.removeSubrange(...newline)
                if !line.isEmpty { dispatch(line) }
            }
        }
        Glibc.close(fd)
        let (waiting, eventWaiting, greetingWaiter) = lock.withLock {
            () -> ([CheckedContinuation<String, Error>], [CheckedContinuation<String, Error>], CheckedContinuation<String, Error>?) in
            closed = true
            defer {
                replies.removeAll()
                eventWaiters.removeAll()
                greeting = nil
            }
            return (Array(replies.values), eventWaiters.map(\.continuation), greeting)
        }
        for continuation in waiting + eventWaiting { continuation.resume(throwing: QMPError.disconnected(socket: socketPath)) }
        greetingWaiter?.resume(throwing: QMPError.disconnected(socket: socketPath))
    }

    private func dispatch(_ line: String) {
        guard let object = JSONValue(parsing: line), case .object = object else { return }
        if object["QMP"] != nil {
            lock.withLock { () -> CheckedContinuation<String, Error>? in
                greeted = line
                defer { greeting = nil }
                return greeting
            }?.resume(returning: line)
        } else if let event = object["event"]?.string {
            logger?.debug("qmp \(socketPath): \(line)")
            let data = object["data"] ?? .object([])
            let waiter = lock.withLock { () -> CheckedContinuation<String, Error>? in
                if let index = eventWaiters.firstIndex(where: { $0.name == event && $0.matching(data) }) {
                    return eventWaiters.remove(at: index).continuation
                }
                events.append((event, data, line))
                if events.count > 1000 { events.removeFirst() }
                return nil
            }
            waiter?.resume(returning: line)
        } else if let id = object["id"]?.string {
            // A reply that comes before its command's waiter is kept for it.
            lock.withLock { () -> CheckedContinuation<String, Error>? in
                if let waiter = replies.removeValue(forKey: id) { return waiter }
                if expected.contains(id) { early[id] = line }
                return nil
            }?.resume(returning: line)
        }
    }
}
