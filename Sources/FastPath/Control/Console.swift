import Foundation
import Glibc

/// The `testpmd>` prompt on stdin/stdout, or, without -i, testpmd's "Press enter to exit" wait with
/// optional periodic statistics. Also ends on SIGINT/SIGTERM and on `quit` from the control socket.
final class Console: @unchecked Sendable {
    private let interpreter: CommandInterpreter
    private let interactive: Bool
    private let statsPeriod: Int?
    private let quitEvent: Int32
    private let signals: Int32

    init(interpreter: CommandInterpreter, interactive: Bool, statsPeriod: Int?, quitEvent: Int32) {
        self.interpreter = interpreter
        self.interactive = interactive
        self.statsPeriod = statsPeriod
        self.quitEvent = quitEvent
        signals = SignalPipe.install()
    }

    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        bytes.withUnsafeBytes { raw in
            var done = 0
            while done < raw.count {
                let n = Glibc.write(1, raw.baseAddress! + done, raw.count - done)
                if n <= 0 { return }
                done += n
            }
        }
    }

    /// Runs until quit; returns the reason.
    func run() -> String {
        var pending = [UInt8]()
        var stdinOpen = true
        if interactive { Self.write("testpmd> ") } else { Self.write("Press enter to exit\n") }
        var nextStats = statsPeriod.map { Date().addingTimeInterval(TimeInterval($0)) }
        while true {
            var fds = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0), pollfd(fd: quitEvent, events: Int16(POLLIN), revents: 0)]
            if stdinOpen { fds.append(pollfd(fd: 0, events: Int16(POLLIN), revents: 0)) }
            let timeout = nextStats.map { Int32(max(0, $0.timeIntervalSinceNow * 1000)) } ?? -1
            let r = poll(&fds, nfds_t(fds.count), timeout)
            if r < 0 && errno != EINTR { return "poll failed" }
            if fds[0].revents != 0 {
                var byte: UInt8 = 0
                _ = read(signals, &byte, 1)
                Self.write("\nSignal \(byte) received, preparing to exit...\n")
                return "signal"
            }
            if fds[1].revents != 0 { return "quit" }
            if let due = nextStats, due.timeIntervalSinceNow <= 0 {
                Self.write(interpreter.execute("show port stats all").output)
                nextStats = due.addingTimeInterval(TimeInterval(statsPeriod!))
            }
            guard stdinOpen, fds.count > 2, fds[2].revents != 0 else { continue }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let n = read(0, &buffer, buffer.count)
            if n <= 0 {
                // End of input: an interactive session is over; a non-interactive run keeps forwarding
                // until a signal (so it can run in the background with stdin closed).
                if interactive { return "end of input" }
                stdinOpen = false
                continue
            }
            pending += buffer[0..<n]
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = String(decoding: pending[..<newline], as: UTF8.self).replacingOccurrences(of: "\r", with: "")
                pending.removeSubrange(...newline)
                if !interactive { return "enter" }
                let reply = interpreter.execute(line)
                Self.write(reply.output)
                if reply.quit { return "quit" }
                Self.write("testpmd> ")
            }
        }
    }
}
