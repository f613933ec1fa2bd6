import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A shell on a pseudo-terminal, started with posix_spawn as a session leader whose controlling
/// terminal is the PTY. A dedicated thread reads everything it prints into a buffer and the log.
final class PTYSession: InteractiveSession, @unchecked Sendable {
    let processGroup: Int32
    private let master: Int32
    private let process: SpawnedProcess
    private let condition = NSCondition()
    private var buffer: [UInt8] = []
    private var consumed = 0
    private var ended = false
    private let log: FileHandle?

    init(argv: [String], log: URL) throws {
        var master: Int32 = 0, slave: Int32 = 0
        var name = [CChar](repeating: 0, count: 128)
        guard openpty(&master, &slave, &name, nil, nil) == 0 else {
            throw SpawnedProcess.SpawnError(description: "openpty: \(String(cString: strerror(errno)))")
        }
        // No echo: what the session returns is the program's output, not our own typing.
        var attributes = termios()
        tcgetattr(slave, &attributes)
        attributes.c_lflag &= ~tcflag_t(ECHO)
        tcsetattr(slave, TCSANOW, &attributes)
        let ttyName = String(cString: name)
        var environment = ProcessInfo.processInfo.environment
        environment["PS1"] = "# "
        environment["TERM"] = "dumb"
        let devNull = open("/dev/null", O_RDONLY)
        defer { Glibc.close(devNull) }
        do {
            process = try SpawnedProcess.spawn(argv, stdin: devNull, stdout: devNull, stderr: devNull, closeInChild: [master, slave],
                                               setsid: ttyName, environment: environment)
        } catch {
            Glibc.close(master)
            Glibc.close(slave)
            throw error
        }
        Glibc.close(slave)
        self.master = master
        self.processGroup = process.pid
        FileManager.default.createFile(atPath: log.path, contents: nil)
        self.log = try? FileHandle(forWritingTo: log)
        Thread.detachNewThread { [self] in readLoop() }
    }

    private func readLoop() {
        var chunk = [UInt8](repeating: 0, count: 16384)
        while true {
            let n = read(master, &chunk, chunk.count)
            if n > 0 {
                let bytes = Array(chunk[0..<n])
                log?.write(Data(bytes))
                condition.lock()
                buffer.append(contentsOf: bytes)
                condition.broadcast()
                condition.unlock()
            } else if n < 0 && errno == EINTR {
                continue
            } else {
                break
            }
        }
        condition.lock()
        ended = true
        condition.broadcast()
        condition.unlock()
    }

    func send(_ line: String) async throws {
        let bytes = Array((line + "\n").utf8)
        let written = bytes.withUnsafeBytes { write(master, $0.baseAddress, $0.count) }
        if written != bytes.count { throw SessionError.closed(tail: pendingText()) }
    }

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
            let text = String(decoding: buffer[consumed...], as: UTF8.self)
            // A prompt is the last thing a program prints before it waits for input: only a match that
            // ends the output counts ("#####" inside testpmd's statistics is not the shell's "# ").
            let length = (text as NSString).length
            if let match = regex.matches(in: text, range: NSRange(location: 0, length: length)).last(where: { NSMaxRange($0.range) == length }),
               let range = Range(match.range, in: text) {
                consumed += text[..<range.upperBound].utf8.count
                let group = Self.groupNames(pattern).first { match.range(withName: $0).location != NSNotFound }
                return ExpectReply(text: String(text[..<range.lowerBound]).replacingOccurrences(of: "\r\n", with: "\n"), matchedGroup: group)
            }
            if ended { throw SessionError.closed(tail: text) }
            if !condition.wait(until: deadline) { throw SessionError.timeout(pattern: pattern, after: timeout, tail: text) }
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

    private func pendingText() -> String {
        condition.lock()
        defer { condition.unlock() }
        return String(decoding: buffer[consumed...], as: UTF8.self)
    }

    func close() async {
        // The shell leads its own session; background jobs have their own process groups in it.
        _ = try? await LocalExecutor.run(["pkill", "-KILL", "-s", "\(process.pid)"], timeout: .seconds(5))
        process.signalGroup(SIGKILL)
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread { _ = process.waitBlocking(); continuation.resume() }
        }
        Glibc.close(master)
        try? log?.close()
    }
}
