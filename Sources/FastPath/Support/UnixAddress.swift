import Glibc

/// A unix-domain socket address, and the few calls made with it: connect and listen.
public struct UnixAddress: Sendable {
    /// The socket's path.
    public let path: String

    /// Names a socket path.
    public init(_ path: String) throws(FastPathError) {
        guard path.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path) else {
            throw .invalid("socket path \(path) is longer than 107 bytes")
        }
        self.path = path
    }

    private func withAddress<T>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            buffer.copyBytes(from: Array(path.utf8) + [0])
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// One connection attempt: a connected descriptor, or errno.
    public func connect() -> Result<Int32, FastPathError> {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return .failure(.system("socket", errno)) }
        let r = withAddress { Glibc.connect(fd, $0, $1) }
        if r == 0 { return .success(fd) }
        let e = errno
        Glibc.close(fd)
        return .failure(.system("connecting to \(path)", e))
    }

    /// Binds and listens, mode 0600. A stale socket file (nobody listening) is replaced; a live one is
    /// an error, since another process owns it.
    public func listen() throws(FastPathError) -> Int32 {
        if case .success(let fd) = connect() {
            Glibc.close(fd)
            throw .invalid("\(path) is in use: another FastPath listens there (give each one its own --file-prefix or --control-socket)")
        }
        unlink(path)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .system("socket", errno) }
        let old = umask(0o177)
        let r = withAddress { bind(fd, $0, $1) }
        let e = errno
        umask(old)
        guard r == 0 else {
            Glibc.close(fd)
            throw .system("binding \(path)", e)
        }
        chmod(path, 0o600)
        guard Glibc.listen(fd, 8) == 0 else {
            Glibc.close(fd)
            throw .system("listening on \(path)", errno)
        }
        return fd
    }
}
