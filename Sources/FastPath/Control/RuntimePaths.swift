import Glibc

/// Where a FastPath's control socket lives when none is named: under /run/fastpath, per network
/// namespace (so each host of the virtual lab has its own) and per file prefix, as DPDK keys its
/// runtime directory. pdump finds its primary the same way.
public enum RuntimePaths {
    /// The runtime directory of the caller's network namespace.
    public static var directory: String {
        var st = stat()
        let namespace = stat("/proc/self/ns/net", &st) == 0 ? String(st.st_ino) : "host"
        return "/run/fastpath/net-\(namespace)"
    }

    /// The default control socket for `filePrefix` in the caller's network namespace.
    public static func controlSocket(filePrefix: String) -> String { "\(directory)/\(filePrefix).sock" }
}
