/// FastPath's command line, in testpmd's words: EAL options, `--`, then application options.
/// Options that only tune DPDK's memory (hugepages, channels, file prefixes) are accepted and have no
/// effect: FastPath maps its own buffers. Anything else unknown is an error naming the option.
public struct LaunchOptions: Sendable {
    /// Lcores (-l / -c); the first is the main lcore, the rest forward.
    public var lcores: [Int] = [0, 1]
    /// Virtual devices, in order.
    public var devices: [DeviceSpec] = []
    /// Interactive prompt (-i).
    public var interactive = false
    /// Start forwarding at once (--auto-start, or always when not interactive).
    public var autoStart = false
    /// Bursts to send before forwarding (--tx-first).
    public var txFirst = false
    /// Print port statistics every N seconds (--stats-period).
    public var statsPeriod: Int?
    /// Packet buffers (--total-num-mbufs).
    public var buffers = 8192
    /// The forwarding configuration.
    public var forwarding = ForwardingConfig()
    /// The DPDK-style file prefix (names the default control socket).
    public var filePrefix = "rte"
    /// The control socket path (--control-socket); nil for the default under /run/fastpath.
    public var controlSocket: String?

    /// EAL options accepted for compatibility that take a value.
    static let ignoredWithValue: Set<String> = [
        "-n", "--socket-mem", "-m", "--huge-dir", "--log-level", "--proc-type",
        "--base-virtaddr", "--iova-mode", "--main-lcore", "--socket-limit",
        "--mbuf-size", "--rss-ip", "--nb-ports", "--txqflags",
    ]
    /// Options accepted for compatibility without a value.
    static let ignoredFlags: Set<String> = [
        "--no-huge", "--in-memory", "--single-file-segments", "--legacy-mem", "--no-pci",
        "--no-shconf", "--disable-hw-vlan", "--disable-hw-vlan-filter", "--disable-hw-vlan-strip",
        "--disable-hw-vlan-extend", "--disable-rss", "--disable-crc-strip",
        "--no-lsc-interrupt", "--no-rmv-interrupt", "--mp-alloc=native",
    ]

    /// Creates the defaults.
    public init() {}

    /// Parses `arguments` (without the program name).
    public init(arguments: [String]) throws(FastPathError) {
        var eal = ArgumentCursor(arguments.prefix { $0 != "--" })
        var app = ArgumentCursor(arguments.drop { $0 != "--" }.dropFirst())
        while let option = eal.next() {
            switch option.name {
            case "-l", "--lcores":
                lcores = try Self.coreList(try eal.value(for: option))
            case "-c":
                lcores = try Self.coreMask(try eal.value(for: option))
            case "--vdev":
                devices.append(try DeviceSpec(try eal.value(for: option)))
            case "--file-prefix":
                filePrefix = try eal.value(for: option)
            case "--control-socket":
                controlSocket = try eal.value(for: option)
            case "-a", "--allow", "-w", "-b", "--block":
                let device = try eal.value(for: option)
                throw .invalid("\(option.name) \(device): FastPath drives no PCI devices; use a virtual device such as --vdev net_af_packet0,iface=<interface>")
            default:
                if Self.ignoredWithValue.contains(option.name) {
                    _ = try eal.value(for: option)
                } else if !Self.ignoredFlags.contains(option.name) {
                    throw .invalid(
                        "unknown EAL option '\(option.name)' (before --); FastPath knows -l, -c, --vdev, --file-prefix, --control-socket and accepts DPDK's memory options"
                    )
                }
            }
        }
        guard lcores.count >= 2 else {
            throw .invalid("-l \(lcores.map(String.init).joined(separator: ",")): give at least two lcores (the main lcore and one forwarding lcore)")
        }
        forwarding.forwardingCPUs = Array(lcores.dropFirst())
        var nbCoresGiven = false
        while let option = app.next() {
            switch option.name {
            case "-i", "--interactive": interactive = true
            case "-a", "--auto-start": autoStart = true
            case "--tx-first": txFirst = true
            case "--forward-mode":
                let text = try app.value(for: option)
                guard let mode = ForwardMode(rawValue: text) else {
                    throw .invalid("--forward-mode=\(text): FastPath has \(ForwardMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                forwarding.mode = mode
            case "--nb-cores":
                forwarding.coreCount = try app.integer(
                    for: option, in: 1...max(1, lcores.count - 1), hint: "at most the forwarding lcores (\(lcores.count - 1))")
                nbCoresGiven = true
            case "--port-topology":
                let text = try app.value(for: option)
                guard let topology = PortTopology(rawValue: text) else { throw .invalid("--port-topology=\(text): use paired, chained or loop") }
                forwarding.topology = topology
            case "--burst": forwarding.burst = try app.integer(for: option, in: 1...256)
            case "--rxd", "--txd": _ = try app.integer(for: option, in: 32...16384)  // checked; each port sizes its own rings
            case "--stats-period": statsPeriod = try app.integer(for: option, in: 1...86400)
            case "--total-num-mbufs": buffers = try app.integer(for: option, in: 1024...4_194_304)
            case "--txpkts": forwarding.txLength = try app.integer(for: option, in: Probe.minimumLength...PacketPool.dataRoom)
            case "--flowgen-flows": forwarding.flows = try app.integer(for: option, in: 1...65536)
            case "--tx-pps":
                let text = try app.value(for: option)
                guard let rate = Double(text), rate > 0 else { throw .invalid("--tx-pps=\(text): give packets per second, e.g. --tx-pps=1000") }
                forwarding.txRate = rate
            case "--no-adaptive": forwarding.adaptive = false
            // testpmd's receive offloads: accepted and shown by `show port info`.
            case "--enable-lro": forwarding.rxOffloads.append("TCP_LRO")
            case "--enable-rx-cksum": forwarding.rxOffloads += ["IPV4_CKSUM", "UDP_CKSUM", "TCP_CKSUM"]
            case "--tx-ip":
                let text = try app.value(for: option)
                let parts = text.split(separator: ",")
                guard parts.count == 2, let source = Probe.ipv4(parts[0]), let destination = Probe.ipv4(parts[1]) else {
                    throw .invalid("--tx-ip=\(text): use --tx-ip=<source>,<destination>, e.g. --tx-ip=198.18.0.1,198.18.0.2")
                }
                forwarding.txIP = (source, destination)
            case "--tx-proto":
                let text = try app.value(for: option)
                guard let proto = ProbeProtocol(rawValue: text) else { throw .invalid("--tx-proto=\(text): use udp, tcp or icmp") }
                forwarding.txProto = proto
            case "--tx-udp":
                let text = try app.value(for: option)
                let ports = text.split(separator: ",").map { UInt16($0) }
                guard (1...2).contains(ports.count), ports.allSatisfy({ $0 != nil }) else {
                    throw .invalid("--tx-udp=\(text): use --tx-udp=<source>[,<destination>], e.g. --tx-udp=9,9")
                }
                forwarding.txUDP = (ports[0]!, ports.count == 2 ? ports[1]! : ports[0]!)
            case "--eth-peer":
                let text = try app.value(for: option)
                let parts = text.split(separator: ",", maxSplits: 1)
                guard parts.count == 2, let port = Int(parts[0]), let mac = EtherAddress(parts[1]) else {
                    throw .invalid("--eth-peer=\(text): use --eth-peer=<port>,<MAC>, e.g. --eth-peer=0,52:54:00:00:00:01")
                }
                forwarding.peers[port] = mac
            case "--portmask":
                let text = try app.value(for: option)
                guard let mask = UInt64(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16), mask != 0 else {
                    throw .invalid("--portmask=\(text): give a hexadecimal mask of ports, e.g. --portmask=3")
                }
                forwarding.portList = (0..<64).filter { mask & (1 << UInt64($0)) != 0 }
            case "--rxq": forwarding.rxQueues = try app.integer(for: option, in: 1...PortTable.maxQueues)
            case "--txq": forwarding.txQueues = try app.integer(for: option, in: 1...PortTable.maxQueues)
            default:
                if Self.ignoredWithValue.contains(option.name) {
                    _ = try app.value(for: option)
                } else if !Self.ignoredFlags.contains(option.name) && !Self.ignoredFlags.contains(option.raw) {
                    throw .invalid("unknown option '\(option.name)' (after --); see `labrunner fastpath --help`")
                }
            }
        }
        if !nbCoresGiven { forwarding.coreCount = 1 }
        if !interactive { autoStart = true }
    }

    /// Parses a DPDK core list: `0-3,5`.
    public static func coreList(_ text: String) throws(FastPathError) -> [Int] {
        var out = [Int]()
        for part in text.split(separator: ",") {
            let ends = part.split(separator: "-").map { Int($0) }
            if ends.count == 1, let a = ends[0] {
                out.append(a)
            } else if ends.count == 2, let a = ends[0], let b = ends[1], a <= b {
                out += Array(a...b)
            } else {
                throw .invalid("-l \(text): '\(part)' is not a core or a range like 0-3")
            }
        }
        guard !out.isEmpty, out.allSatisfy({ $0 >= 0 && $0 < 1024 }) else { throw .invalid("-l \(text): no cores") }
        return out
    }

    /// Parses a hexadecimal core mask: `0xf0`.
    public static func coreMask(_ text: String) throws(FastPathError) -> [Int] {
        guard let mask = UInt64(text.hasPrefix("0x") ? String(text.dropFirst(2)) : text, radix: 16), mask != 0 else {
            throw .invalid("-c \(text): give a hexadecimal core mask such as 0x3")
        }
        return (0..<64).filter { mask & (1 << UInt64($0)) != 0 }
    }
}
