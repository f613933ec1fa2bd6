import Glibc

/// SIGINT and SIGTERM (and signals added with `watch`) turned into a readable descriptor, so the
/// prompt loop can poll() for them next to stdin (a signal handler may only write to a pipe); each
/// signal writes its number as one byte.
public enum SignalPipe {
    nonisolated(unsafe) private static var fds: [Int32] = [-1, -1]
    nonisolated(unsafe) static var writeEnd: Int32 = -1

    /// Installs the handlers (once per process); returns the read end.
    public static func install() -> Int32 {
        if fds[0] >= 0 { return fds[0] }
        var pair: [Int32] = [0, 0]
        guard pipe(&pair) == 0 else { return -1 }
        for fd in pair {
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
            _ = fcntl(fd, F_SETFL, O_NONBLOCK)
        }
        fds = pair
        writeEnd = pair[1]
        signal(SIGINT, handler)
        signal(SIGTERM, handler)
        return pair[0]
    }

    /// Also writes `number` to the pipe when that signal arrives; returns the read end.
    public static func watch(_ number: Int32) -> Int32 {
        let fd = install()
        signal(number, handler)
        return fd
    }

    /// The signals that arrived since the last call (empty when none).
    public static func drain(_ fd: Int32) -> [Int32] {
        var bytes = [UInt8](repeating: 0, count: 64)
        let n = read(fd, &bytes, bytes.count)
        return n > 0 ? bytes.prefix(n).map { Int32($0) } : []
    }

    private static let handler: @convention(c) (Int32) -> Void = { signal in
        var byte = UInt8(truncatingIfNeeded: signal)
        _ = write(SignalPipe.writeEnd, &byte, 1)
    }
}
