import FastPathCLI
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A shell on a pseudo-terminal, started with posix_spawn as a session leader whose controlling
/// terminal is the PTY.
final class PTYSession: InteractiveSession, @unchecked Sendable {
    let processGroup: Int32
    private let master: Int32
    private let process: SpawnedProcess
    private let stream: TerminalStream

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
        var environment = ProcessInfo.processInfo.environment
        environment["PS1"] = "# "
        environment["TERM"] = "dumb"
        let devNull = open("/dev/null", O_RDONLY)
        defer { Glibc.close(devNull) }
        do {
            process = try SpawnedProcess.spawn(
                argv, stdin: devNull, stdout: devNull, stderr: devNull, closeInChild: [master, slave],
                setsid: String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self), environment: environment)
        } catch {
            Glibc.close(master)
            Glibc.close(slave)
            throw error
        }
        Glibc.close(slave)
        self.master = master
        self.processGroup = process.pid
        self.stream = TerminalStream(fd: master, log: log)
    }

    func send(_ line: String) async throws { try stream.send(line) }

    func expect(_ pattern: String, timeout: Duration) async throws -> ExpectReply {
        try await stream.expect(pattern, timeout: timeout)
    }

    func close() async {
        // The shell leads its own session; background jobs have their own process groups in it.
        _ = try? await LocalExecutor.run(["pkill", "-KILL", "-s", "\(process.pid)"], timeout: .seconds(5))
        process.signalGroup(SIGKILL)
        let process = self.process
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                _ = process.waitBlocking()
                continuation.resume()
            }
        }
        stream.close()
    }
}
