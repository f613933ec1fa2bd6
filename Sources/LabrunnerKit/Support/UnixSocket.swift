import FastPath
import Foundation

/// Connecting to a unix socket that a program is still starting (QEMU's QMP and serial console).
enum UnixSocket {
    /// A connected descriptor, retrying every 50 ms until `deadline`; the last error when it never connects.
    static func connect(_ path: String, until deadline: ContinuousClock.Instant) async throws -> Result<Int32, ConnectError> {
        var reason = "no such socket"
        while ContinuousClock.now < deadline {
            do {
                switch try UnixAddress(path).connect() {
                case .success(let fd): return .success(fd)
                case .failure(let error): reason = error.description
                }
            } catch {
                return .failure(ConnectError(reason: error.description))
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return .failure(ConnectError(reason: reason))
    }

    /// Why a connection never succeeded.
    struct ConnectError: Error {
        let reason: String
    }
}
