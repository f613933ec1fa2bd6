#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes on a descriptor whose other end may stop reading (a stopped QEMU's monitor, a PTY
/// whose program hangs, a console nobody drains): the descriptor is non-blocking, a reader thread
/// waits in poll(), and a write gives up at its deadline instead of blocking its thread for good.
enum NonBlockingIO {
    /// Why a write did not complete.
    enum WriteFailure: Error, Equatable {
        /// The other end closed, or the descriptor failed (errno).
        case closed(Int32)
        /// The other end took nothing more before the deadline.
        case notReading
    }

    /// Makes `fd` non-blocking (the readers and writers here wait in poll()).
    static func prepare(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Reads what is there, waiting as long as it takes for something: > 0 bytes, 0 at the end, < 0 on an error.
    static func read(_ fd: Int32, into buffer: inout [UInt8]) -> Int {
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n >= 0 { return n }
            switch errno {
            case EINTR: continue
            case EAGAIN:
                var descriptor = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, -1)
            default: return n
            }
        }
    }

    /// Writes every byte of `bytes` by `deadline`; nil when all went out.
    static func write(_ bytes: [UInt8], to fd: Int32, within limit: Duration) -> WriteFailure? {
        let deadline = ContinuousClock.now + limit
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { writeQuietly(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && errno == EAGAIN else { return .closed(n < 0 ? errno : EPIPE) }
            let left = deadline - ContinuousClock.now
            guard left > .zero else { return .notReading }
            var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            _ = poll(&descriptor, 1, left.pollMilliseconds)
        }
        return nil
    }

    /// write(2) that never raises SIGPIPE: on a socket whose reader has gone it fails with EPIPE instead
    /// of killing the process (a library cannot count on its host program ignoring SIGPIPE). A PTY or a
    /// file is written with write(2), which raises no SIGPIPE there.
    static func writeQuietly(_ fd: Int32, _ bytes: UnsafeRawPointer?, _ count: Int) -> Int {
        let n = Glibc.send(fd, bytes, count, Int32(MSG_NOSIGNAL))
        return n < 0 && errno == ENOTSOCK ? Glibc.write(fd, bytes, count) : n
    }
}
