import FastPathCLI
import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A QEMU started by labrunner: its process (own process group, in its host's namespace), its log,
/// and its QMP connection. QEMU that dies before greeting is reported with the end of its log.
final class QEMUProcess: VMProcess, @unchecked Sendable {
    let role: String
    let monitor: QMPClient
    private let process: SpawnedProcess
    private let exit: ExitWatch
    private let log: URL

    /// Why QEMU could not be started.
    struct LaunchError: Error, CustomStringConvertible {
        let description: String
    }

    private init(role: String, monitor: QMPClient, process: SpawnedProcess, exit: ExitWatch, log: URL) {
        self.role = role
        self.monitor = monitor
        self.process = process
        self.exit = exit
        self.log = log
    }

    /// Starts `argv` (in `namespace`), records it in the ledger, and connects to `qmpSocket`.
    static func launch(
        role: String, argv: [String], namespace: String?, qmpSocket: String, log: URL, ledger: Ledger,
        timeout: Duration = .seconds(30), logger: Logger? = nil
    ) async throws -> QEMUProcess {
        let tcp = QMPClient.tcpAddress(qmpSocket) != nil
        if !tcp {
            // A socket left by an earlier QEMU would make this one fail to bind.
            var status = stat()
            if lstat(qmpSocket, &status) == 0 && (status.st_mode & S_IFMT) == S_IFSOCK { unlink(qmpSocket) }
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: qmpSocket).deletingLastPathComponent(), withIntermediateDirectories: true)
        }
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let logFD = open(log.path, O_WRONLY | O_APPEND)
        let devNull = open("/dev/null", O_RDONLY)
        defer {
            Glibc.close(logFD)
            Glibc.close(devNull)
        }
        let full = Namespace.exec(namespace, argv)
        let process = try SpawnedProcess.spawn(full, stdin: devNull, stdout: logFD, stderr: logFD)
        await ledger.record(
            kind: "vm", name: "\(role) (QEMU process group \(process.pid))",
            undo: ProcessStart(process.pid).killUndo())
        let exit = ExitWatch(process)
        do {
            let monitor = try await connect(qmpSocket, namespace: namespace, timeout: timeout, exit: exit, log: log, logger: logger)
            return QEMUProcess(role: role, monitor: monitor, process: process, exit: exit, log: log)
        } catch {
            process.signalGroup(SIGKILL)
            throw error
        }
    }

    private static func connect(_ socket: String, namespace: String?, timeout: Duration, exit: ExitWatch, log: URL, logger: Logger?) async throws -> QMPClient {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = exit.status {
                let tail = (try? String(contentsOf: log, encoding: .utf8)).map { String($0.suffix(400)) } ?? ""
                throw LaunchError(
                    description: "QEMU exited with status \(status) before its monitor answered: \(tail.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            if QMPClient.tcpAddress(socket) != nil {
                // TCP: QEMU listens once it has started; a refused connect is retried until the deadline.
                if let client = try? await QMPClient.connect(to: socket, namespace: namespace, timeout: .milliseconds(500), logger: logger) { return client }
            } else if FileManager.default.fileExists(atPath: socket) {
                return try await QMPClient.connect(to: socket, timeout: max(.seconds(1), deadline - ContinuousClock.now), logger: logger)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw QMPError.cannotConnect(socket: socket, reason: "QEMU did not create it within \(timeout)")
    }

    /// Asks QEMU to quit, waits for it, and kills its process group if it lingers.
    func stop(timeout: Duration = .seconds(10)) async {
        _ = try? await monitor.execute(.object([("execute", .string("quit"))]), timeout: .seconds(3))
        let deadline = ContinuousClock.now + timeout
        while exit.status == nil && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        process.signalGroup(SIGKILL)
        monitor.close()
    }

    /// Whether the process has exited.
    var exited: Bool { exit.status != nil }

    /// How it is doing, for a console that closed: still running, or its exit status (a signal as
    /// 128 + its number) and the end of its log.
    var fate: String {
        guard let status = exit.status else { return "its QEMU still runs" }
        let tail = (try? String(contentsOf: log, encoding: .utf8)).map { String($0.suffix(300)) } ?? ""
        return
            "its QEMU exited with status \(status)\(tail.isEmpty ? "" : "; its log ends: \(tail.trimmingCharacters(in: .whitespacesAndNewlines).debugDescription)")"
    }
}

/// How a process ended, once it has: reaped on a thread of its own for a local process, or told by
/// whoever learns it (the SSH connection a remote QEMU runs on).
final class ExitWatch: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Int32?

    /// A watch that `ended(_:)` completes.
    init() {}

    /// Reaps `process`.
    convenience init(_ process: SpawnedProcess) {
        self.init()
        Thread.detachNewThread { [self] in ended(process.waitBlocking()) }
    }

    /// Records the exit status.
    func ended(_ status: Int32) { lock.withLock { value = status } }

    /// Exit status once exited.
    var status: Int32? { lock.withLock { value } }
}
