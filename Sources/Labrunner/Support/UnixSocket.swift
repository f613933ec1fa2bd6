import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Connecting to a unix socket that a program is still starting (QEMU's QMP and serial console).
enum UnixSocket {
    /// A connected descriptor, retrying every 50 ms until `deadline`; the last error when it never connects.
    static func connect(_ path: String, until deadline: ContinuousClock.Instant) async throws -> Result<Int32, ConnectError> {
        var reason = "no such socket"
        while ContinuousClock.now < deadline {
            let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in
                buffer.copyBytes(from: Array(path.utf8.prefix(buffer.count - 1)) + [0])
            }
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
            }
            if result == 0 { return .success(fd) }
            reason = String(cString: strerror(errno))
            Glibc.close(fd)
            try await Task.sleep(for: .milliseconds(50))
        }
        return .failure(ConnectError(reason: reason))
    }

    /// Why a connection never succeeded.
    struct ConnectError: Error {
        let reason: String
    }
}
