import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a terminal printed, and `expect` over it: waits until the unread output ends with a prompt.
/// Readers (a descriptor's thread, an SSH channel's poller) append to it.
final class ExpectBuffer: @unchecked Sendable {
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    private var consumed = 0
    private var ended = false
    private let log: FileHandle?

    init(log: URL) {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        self.log = try? FileHandle(forWritingTo: log)
    }

    /// Unread bytes kept: a program that prints without ever showing its prompt again loses its oldest
    /// output (the log keeps everything), not the machine its memory.
    static let unreadLimit = 16 << 20
    /// A prompt is looked for in the last this many bytes (it ends the output).
    static let promptWindow = 64 << 10

    /// Adds output (and logs it).
    func append(_ bytes: [UInt8]) {
        try? log?.write(contentsOf: Data(bytes))
        condition.lock()
        buffer.append(contentsOf: bytes)
        if buffer.count - consumed > Self.unreadLimit { consumed = buffer.count - Self.unreadLimit }
        if consumed > 1 << 20 {  // what was matched is never read again
            buffer.removeFirst(consumed)
            consumed = 0
        }
        condition.broadcast()
        condition.unlock()
    }

    /// The terminal is gone: waiting ends with `SessionError.closed`.
    func end() {
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
        try? log?.close()
    }

    /// Waits (on its own thread) until the unread output ends with `pattern`.
    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply {
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.anchorsMatchLines]) else { throw SessionError.badPattern(pattern) }
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { [self] in
                continuation.resume(with: Result { try waitFor(regex, pattern: pattern, timeout: timeout) })
            }
        }
    }

    private func waitFor(_ regex: NSRegularExpression, pattern: String, timeout: Duration) throws -> ExpectReply {
        let deadline = Date().addingTimeInterval(Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18)
        condition.lock()
        defer { condition.unlock() }
        while true {
            // A prompt is the last thing a program prints before it waits for input: only a match that
            // ends the output counts ("#####" inside testpmd's statistics is not the shell's "# "), so
            // only the output's end is searched, however much came before it.
            let window = String(decoding: buffer[max(consumed, buffer.count - Self.promptWindow)...], as: UTF8.self)
            let length = (window as NSString).length
            if let match = regex.matches(in: window, range: NSRange(location: 0, length: length)).last(where: { NSMaxRange($0.range) == length }),
                let range = Range(match.range, in: window)
            {
                let matched = String(window[range])
                let text = String(decoding: buffer[consumed..<(buffer.count - matched.utf8.count)], as: UTF8.self)
                consumed = buffer.count
                let group = Self.groupNames(pattern).first { match.range(withName: $0).location != NSNotFound }
                return ExpectReply(text: text.replacingOccurrences(of: "\r\n", with: "\n"), matchedGroup: group, matched: matched)
            }
            if ended { throw SessionError.closed(tail: pendingTail) }
            if !condition.wait(until: deadline) { throw SessionError.timeout(pattern: pattern, after: timeout, tail: pendingTail) }
        }
    }

    private static func groupNames(_ pattern: String) -> [String] {
        var names: [String] = []
        var rest = Substring(pattern)
        while let start = rest.range(of: "(?<"), let end = rest[start.upperBound...].firstIndex(of: ">") {
            let name = String(rest[start.upperBound..<end])
            if !name.hasPrefix("=") && !name.hasPrefix("!") { names.append(name) }
            rest = rest[end...]
        }
        return names
    }

    /// The end of what arrived since the last match (errors quote it), with the lock held.
    private var pendingTail: String { String(decoding: buffer[max(consumed, buffer.count - Self.promptWindow)...], as: UTF8.self) }

    /// What arrived since the last match.
    func pendingText() -> String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: buffer[consumed...], as: UTF8.self)
    }

}

/// A terminal reached through a descriptor (a PTY master, a serial console socket): a dedicated thread
/// reads it into an `ExpectBuffer`.
final class TerminalStream: @unchecked Sendable {
    private let fd: Int32
    let output: ExpectBuffer

    /// Starts reading `fd` (which it then owns) and appending what it reads to `log`.
    init(fd: Int32, log: URL) {
        self.fd = fd
        self.output = ExpectBuffer(log: log)
        NonBlockingIO.prepare(fd)
        Thread.detachNewThread { [self] in readLoop() }
    }

    private func readLoop() {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = NonBlockingIO.read(fd, into: &chunk)
            guard n > 0 else { break }
            output.append(Array(chunk[0..<n]))
        }
        Glibc.close(fd)
        output.end()
    }

    /// How long a line may wait for the terminal to take it (a program that stopped reading its input).
    static let sendLimit: Duration = .seconds(10)

    /// Writes `line` and a newline.
    func send(_ line: String) throws {
        switch NonBlockingIO.write(Array((line + "\n").utf8), to: fd, within: Self.sendLimit) {
        case nil: return
        case .notReading: throw SessionError.notReading(after: Self.sendLimit, tail: output.pendingText())
        case .closed: throw SessionError.closed(tail: output.pendingText())
        }
    }

    /// Waits until the unread output ends with `pattern`.
    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply {
        try await output.expect(pattern, timeout: timeout)
    }

    /// Stops reading a socket (a PTY stops when its program dies); the reader thread closes the descriptor.
    func close() {
        shutdown(fd, Int32(SHUT_RDWR))
    }
}
