/// A `--vdev` argument: `net_af_packet0,iface=veth1,qpairs=1` — the device name and its key=value
/// arguments, checked against what the driver knows.
public struct DeviceSpec: Sendable, Equatable {
    /// The device name (`net_af_packet0`).
    public let name: String
    /// The driver it names (`net_af_packet`).
    public let driver: String
    /// Arguments in order.
    public let arguments: [(key: String, value: String)]

    /// The drivers FastPath has, and the arguments each takes.
    public static let drivers: [String: [String]] = [
        "net_null": ["size", "copy", "no-rx"],
        "net_ring": ["peer"],
        "net_af_packet": ["iface", "qpairs", "blocksz", "framesz", "framecnt", "qdisc_bypass"],
        "net_af_xdp": ["iface", "start_queue", "queue_count", "xdp_mode", "frames"],
        "net_tap": ["iface", "mac"],
        "net_pcap": ["rx_pcap", "tx_pcap", "infinite_rx"],
        "net_virtio_user": ["path", "queues", "queue_size", "mac", "server", "packed_vq", "mrg_rxbuf", "in_order", "iface"],
        "net_sriov": ["uplink", "vfs", "model"] + (0..<64).flatMap { ["vf\($0)", "vf\($0)_mac"] },
        "net_vhost": ["iface", "client", "queues", "dequeue-zero-copy", "iommu-support", "postcopy-support", "tso", "linear-buffer", "ext-buffer"],
    ]

    /// DPDK's other names for those drivers (a device named `eth_vhost0` is a net_vhost).
    public static let aliases = [
        "virtio_user": "net_virtio_user", "eth_vhost": "net_vhost", "eth_null": "net_null",
        "eth_ring": "net_ring", "eth_af_packet": "net_af_packet", "eth_pcap": "net_pcap",
    ]

    /// Parses and checks the text.
    public init(_ text: String) throws(FastPathError) {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let name = parts[0]
        self.name = name
        let names = Array(Self.drivers.keys) + Array(Self.aliases.keys)
        guard let given = names.sorted(by: { $0.count > $1.count }).first(where: { name.hasPrefix($0) }) else {
            let known = Self.drivers.keys.sorted().joined(separator: ", ")
            throw .invalid("--vdev '\(text)': unknown driver in '\(name)' (FastPath has \(known); a device name is the driver plus a number, e.g. net_null0)")
        }
        let driver = Self.aliases[given] ?? given
        self.driver = driver
        var args = [(key: String, value: String)]()
        for part in parts.dropFirst() {
            guard let eq = part.firstIndex(of: "="), eq != part.startIndex else {
                throw .invalid("--vdev '\(text)': '\(part)' is not key=value")
            }
            let key = String(part[..<eq])
            guard Self.drivers[driver]!.contains(key) else {
                throw .invalid("--vdev '\(text)': \(driver) has no argument '\(key)' (it takes \(Self.drivers[driver]!.joined(separator: ", ")))")
            }
            args.append((key, String(part[part.index(after: eq)...])))
        }
        arguments = args
    }

    /// The value of `key`, if given.
    public subscript(key: String) -> String? { arguments.last { $0.key == key }?.value }

    /// The arguments after the name, as given.
    public var devargs: String { arguments.map { "\($0.key)=\($0.value)" }.joined(separator: ",") }

    /// An integer argument with a default, checked to lie in `range`.
    public func integer(_ key: String, default value: Int, in range: ClosedRange<Int>) throws(FastPathError) -> Int {
        guard let text = self[key] else { return value }
        guard let v = Int(text), range.contains(v) else {
            throw .invalid("\(name): \(key)=\(text) must be an integer in \(range.lowerBound)...\(range.upperBound)")
        }
        return v
    }

    public static func == (a: DeviceSpec, b: DeviceSpec) -> Bool {
        a.name == b.name && a.arguments.map(\.key) == b.arguments.map(\.key) && a.arguments.map(\.value) == b.arguments.map(\.value)
    }
}
