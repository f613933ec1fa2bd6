import CSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Connecting over TCP, from inside a network namespace when given one (QMP on `tcp:host:port` of a
/// VM in the virtual lab). The connect runs on a thread of its own that enters the namespace; the
/// descriptor it returns works from any thread.
enum TCPSocket {
    /// A connected descriptor, retrying every 50 ms until `deadline`; the last error when it never connects.
    static func connect(
        host: String, port: Int, namespace: String?, until deadline: ContinuousClock.Instant
    ) async throws -> Result<Int32, UnixSocket.ConnectError> {
        var reason = "not tried"
        while ContinuousClock.now < deadline {
            let attempt: Result<Int32, UnixSocket.ConnectError> = await withCheckedContinuation { continuation in
                Thread.detachNewThread { continuation.resume(returning: once(host: host, port: port, namespace: namespace, until: deadline)) }
            }
            switch attempt {
            case .success: return attempt
            case .failure(let e): reason = e.reason
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return .failure(UnixSocket.ConnectError(reason: reason))
    }

    /// One attempt at each address, none past `deadline`: a connect is started without blocking and
    /// waited for with poll(), so an address that never answers (a black hole) fails in time.
    private static func once(
        host: String, port: Int, namespace: String?, until deadline: ContinuousClock.Instant
    ) -> Result<Int32, UnixSocket.ConnectError> {
        if let namespace {
            let fd = open("/var/run/netns/\(namespace)", O_RDONLY)
            defer { if fd >= 0 { Glibc.close(fd) } }
            guard fd >= 0, csystem_enter_netns(fd) == 0 else { return .failure(.init(reason: "cannot enter network namespace \(namespace)")) }
        }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &list) == 0, let first = list else {
            return .failure(.init(reason: "cannot resolve \(host)"))
        }
        defer { freeaddrinfo(list) }
        var entry: UnsafeMutablePointer<addrinfo>? = first
        var reason = "no address"
        while let a = entry {
            let fd = socket(
                a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), a.pointee.ai_protocol)
            if fd >= 0 {
                var error: Int32 = Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 ? 0 : errno
                if error == EINPROGRESS {
                    var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    if poll(&p, 1, (deadline - ContinuousClock.now).pollMilliseconds) == 1 {
                        var length = socklen_t(MemoryLayout<Int32>.size)
                        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
                    } else {
                        error = ETIMEDOUT
                    }
                }
                if error == 0 {
                    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
                    return .success(fd)
                }
                reason = String(cString: strerror(error))
                Glibc.close(fd)
            }
            entry = a.pointee.ai_next
        }
        return .failure(.init(reason: reason))
    }
}
