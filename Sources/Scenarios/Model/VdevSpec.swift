/// An EAL `--vdev` argument, `net_vhost0,iface=/tmp/sock0,client=1`, with its vhost-user role.
public struct VdevSpec: Sendable {
    /// Device name (`net_vhost0`, `virtio_user0`).
    public let name: String
    /// `key=value` options in order.
    public let options: [(String, String)]

    /// Parses a vdev argument.
    public init?(_ text: String) {
        let parts = text.split(separator: ",").map(String.init)
        guard let first = parts.first, !first.isEmpty, !first.contains("=") else { return nil }
        name = first
        options = parts.dropFirst().map { part in
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            return (kv[0], kv.count > 1 ? kv[1] : "")
        }
    }

    /// The value of an option.
    public func option(_ key: String) -> String? { options.first { $0.0 == key }?.1 }

    /// `net_vhost`/`eth_vhost` (a vhost-user backend).
    public var isVhostBackend: Bool { name.hasPrefix("net_vhost") || name.hasPrefix("eth_vhost") }
    /// `virtio_user` (a vhost-user or vhost-kernel frontend).
    public var isVirtioUser: Bool { name.hasPrefix("virtio_user") || name.hasPrefix("net_virtio_user") }

    /// The vhost-user socket path, if this device uses one (not /dev/vhost-net).
    public var socketPath: String? {
        if isVhostBackend { return option("iface") }
        if isVirtioUser, let path = option("path"), !path.hasPrefix("/dev/vhost") { return path }
        return nil
    }

    /// Whether it listens on the socket: a backend unless client=1, a virtio_user only with server=1.
    public var isServer: Bool {
        if isVhostBackend { return option("client") != "1" }
        return option("server") == "1"
    }
}
