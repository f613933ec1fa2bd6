import FastPathCLI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a command to completion on dedicated threads (never the cooperative pool), collecting stdout
/// and stderr, killing its whole process group on timeout or cancellation.
enum LocalExecutor {
    /// Runs `argv` to completion, or until `timeout`.
    static func run(_ argv: [String], timeout: Duration?) async throws -> ExecResult {
        var outPipe: [Int32] = [0, 0], errPipe: [Int32] = [0, 0]
        guard pipe(&outPipe) == 0, pipe(&errPipe) == 0 else { throw SpawnedProcess.SpawnError(description: "pipe: \(String(cString: strerror(errno)))") }
        let devNull = open("/dev/null", O_RDONLY)
        defer { close(devNull) }
        let started = ContinuousClock.now
        let process: SpawnedProcess
        do {
            process = try SpawnedProcess.spawn(
                argv, stdin: devNull, stdout: outPipe[1], stderr: errPipe[1],
                closeInChild: [outPipe[0], errPipe[0]])
        } catch {
            [outPipe[0], outPipe[1], errPipe[0], errPipe[1]].forEach { close($0) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        let state = KillState()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ExecResult, Error>) in
                let group = DispatchGroup()
                let out = DrainedPipe(fd: outPipe[0]), err = DrainedPipe(fd: errPipe[0])
                for drained in [out, err] {
                    group.enter()
                    Thread.detachNewThread {
                        drained.drain()
                        group.leave()
                    }
                }
                if let timeout {
                    let nanoseconds = Int(timeout.components.seconds) * 1_000_000_000 + Int(timeout.components.attoseconds / 1_000_000_000)
                    DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(nanoseconds)) {
                        state.expire { process.signalGroup(SIGKILL) }
                    }
                }
                Thread.detachNewThread {
                    let status = process.waitBlocking()
                    state.finish()
                    // Children it left running (a daemon, `cmd &`) may hold the pipes open: take what has
                    // arrived shortly after it exited and stop reading; they keep running.
                    if group.wait(timeout: .now() + .milliseconds(200)) == .timedOut {
                        out.stop()
                        err.stop()
                        group.wait()
                    }
                    continuation.resume(
                        returning: ExecResult(
                            stdout: out.text, stderr: err.text, status: status,
                            duration: ContinuousClock.now - started, timedOut: state.timedOut))
                }
            }
        } onCancel: {
            process.signalGroup(SIGKILL)
        }
    }
}

/// Whether a timeout fired before the process was reaped (a late timer must not kill anything).
final class KillState: @unchecked Sendable {
    private let lock = NSLock()
    private var expired = false
    private var finished = false

    /// Runs `kill` unless the process already finished, and remembers that time ran out.
    func expire(_ kill: () -> Void) {
        lock.withLock {
            guard !finished else { return }
            expired = true
            kill()
        }
    }

    /// Marks the process reaped.
    func finish() { lock.withLock { finished = true } }

    /// Whether time ran out.
    var timedOut: Bool { lock.withLock { expired } }
}

/// Reads a pipe on the calling thread until EOF or until told to stop.
final class DrainedPipe: @unchecked Sendable {
    private let fd: Int32
    private var bytes = BoundedBytes()
    private let lock = NSLock()
    private var stopping = false

    init(fd: Int32) { self.fd = fd }

    func drain() {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !lock.withLock({ stopping }) {
            var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, 50)
            if ready == 0 || (ready < 0 && errno == EINTR) { continue }
            let n = read(fd, &buffer, buffer.count)
            if n > 0 { bytes.append(buffer[0..<n]) } else if n < 0 && errno == EINTR { continue } else { break }
        }
        close(fd)
    }

    /// Makes `drain` return within 50 ms.
    func stop() { lock.withLock { stopping = true } }

    var text: String { bytes.text }
}
