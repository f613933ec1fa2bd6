import Foundation
import Logging
import Scenarios

/// A QEMU labrunner started on an SSH lab host. It runs in the foreground of a connection of its own,
/// which learns its exit status when it ends; its pid file and log are in the host's working directory
/// (the ledger kills it by the pid file and removes both); its monitor is relayed over a third
/// connection. Its log is copied into the run directory when it stops.
final class RemoteQEMUProcess: VMProcess, @unchecked Sendable {
    let role: String
    let monitor: QMPClient
    private let host: any RemoteHost
    private let pidFile: String, log: String
    private let localLog: URL
    private let exit: ExitWatch
    /// The connection QEMU runs on, and the one that relays its monitor: kept while it lives.
    private let connections: [LibSSH2Connection]

    private init(
        role: String, monitor: QMPClient, host: any RemoteHost, files: (pid: String, log: String, local: URL), exit: ExitWatch,
        connections: [LibSSH2Connection]
    ) {
        (self.role, self.monitor, self.host, self.exit, self.connections) = (role, monitor, host, exit, connections)
        (pidFile, log, localLog) = files
    }

    /// Starts `argv` on `host` (reached with `options`) with its pid file and log under `directory`,
    /// records it in the ledger before it starts, and connects to its `qmpSocket` there; its log comes
    /// back to `localLog`.
    static func launch(
        role: String, argv: [String], host: any RemoteHost, options: SSHOptions, directory: String, qmpSocket: String, localLog: URL,
        ledger: Ledger, timeout: Duration = .seconds(30), logger: Logger? = nil
    ) async throws -> RemoteQEMUProcess {
        let pidFile = "\(directory)/\(role).qemu.pid", log = "\(directory)/\(role).qemu.log"
        let (p, s) = (Shell.quote(pidFile), Shell.quote(qmpSocket))
        let prepared = try await host.exec("mkdir -p \(Shell.quote(directory)) && rm -f \(p) \(s)", timeout: .seconds(30))
        guard prepared.status == 0 else { throw QEMUProcess.LaunchError(description: "\(host.name): \(prepared.stderr.suffix(300))") }
        await ledger.record(
            kind: "vm", name: "\(role) on \(host.name) (QEMU pid in \(pidFile))",
            undo: host.argv(running: "\(kill(pidFile)); rm -f \(p) \(Shell.quote(log))"))
        let runner = LibSSH2Connection(options: options, logger: logger)
        let exit = ExitWatch()
        let line = "echo $$ > \(p) && exec \(Shell.join(argv)) > \(Shell.quote(log)) 2>&1"
        Task.detached {
            let result = try? await runner.exec(line, timeout: nil)
            exit.ended(result?.status ?? -1)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            if let status = exit.status {
                let tail = (try? await host.exec("tail -c 400 \(Shell.quote(log))", timeout: .seconds(10)))?.stdout ?? ""
                throw QEMUProcess.LaunchError(
                    description:
                        "QEMU exited with status \(status) on \(host.name) before its monitor answered: \(tail.trimmingCharacters(in: .whitespacesAndNewlines))"
                )
            }
            if (try? await host.exec("test -S \(s)", timeout: .seconds(10)))?.status == 0 { break }
            guard ContinuousClock.now < deadline else {
                _ = try? await host.exec(kill(pidFile), timeout: .seconds(10))
                throw QMPError.cannotConnect(socket: "\(host.name):\(qmpSocket)", reason: "QEMU did not create it within \(timeout)")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        let relay = LibSSH2Connection(options: options, logger: logger)
        let monitor = try await QMPClient.connect(
            over: try await relay.unixSocket(qmpSocket), name: "\(host.name):\(qmpSocket)", timeout: max(.seconds(1), deadline - ContinuousClock.now),
            logger: logger)
        return RemoteQEMUProcess(
            role: role, monitor: monitor, host: host, files: (pidFile, log, localLog), exit: exit, connections: [runner, relay])
    }

    /// The shell line that kills the QEMU whose pid is in `pidFile` (if it still runs).
    private static func kill(_ pidFile: String) -> String { "q=$(cat \(Shell.quote(pidFile)) 2>/dev/null) && kill -KILL \"$q\" 2>/dev/null" }

    var exited: Bool { exit.status != nil }

    var fate: String {
        get async {
            guard let status = exit.status else { return "its QEMU still runs" }
            let tail = (try? await host.exec("tail -c 300 \(Shell.quote(log))", timeout: .seconds(10)))?.stdout ?? ""
            return
                "its QEMU exited with status \(status)\(tail.isEmpty ? "" : "; its log ends: \(tail.trimmingCharacters(in: .whitespacesAndNewlines).debugDescription)")"
        }
    }

    func stop(timeout: Duration) async {
        _ = try? await monitor.execute(.object([("execute", .string("quit"))]), timeout: .seconds(3))
        let deadline = ContinuousClock.now + timeout
        while exit.status == nil && ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if exit.status == nil { _ = try? await host.exec(Self.kill(pidFile), timeout: .seconds(10)) }
        monitor.close()
        if let text = (try? await host.exec("cat \(Shell.quote(log))", timeout: .seconds(30)))?.stdout {
            try? FileManager.default.createDirectory(at: localLog.deletingLastPathComponent(), withIntermediateDirectories: true)
            try? text.write(to: localLog, atomically: true, encoding: .utf8)
        }
    }
}
