/// Everything `show config fwd` describes and `start` uses: mode, ports, topology, lcores, burst,
/// peers, generated frame length and rate.
public struct ForwardingConfig: Sendable {
    /// The forwarding mode.
    public var mode: ForwardMode = .io
    /// Retry transmission when the tx port is full (`set fwd io retry`).
    public var retry = false
    /// Transmit retries and the pause between them (testpmd: 64 × 1 µs).
    public var retryCount = 64
    /// Pause between retries, microseconds.
    public var retryDelayMicroseconds = 1
    /// Stream topology.
    public var topology: PortTopology = .paired
    /// Packets per burst.
    public var burst = 32
    /// Forwarding cores to use (of `forwardingCPUs`).
    public var coreCount = 1
    /// CPUs available for forwarding (the lcore list minus the main lcore).
    public var forwardingCPUs: [Int] = []
    /// Forwarding ports, in order (`set portlist`, `--portmask`); nil means every port.
    public var portList: [Int]?
    /// Peer MAC per port (`--eth-peer`, `set eth-peer`); default 02:00:00:00:00:<port>.
    public var peers: [Int: EtherAddress] = [:]
    /// Generated frame length (`set txpkts`).
    public var txLength = 64
    /// IPv4 source and destination of generated packets (`--tx-ip`).
    public var txIP: (source: UInt32, destination: UInt32) = (Probe.sourceIP, Probe.destinationIP)
    /// UDP source and destination ports of generated packets (`--tx-udp`).
    public var txUDP: (source: UInt16, destination: UInt16) = (9, 9)
    /// What generated probes are carried in (`--tx-proto`): UDP; ICMP echo requests, which a host or
    /// guest kernel answers, closing a loop that rxonly (or the traffic generator) counts; or TCP.
    public var txProto = ProbeProtocol.udp
    /// A VXLAN encapsulation of generated probes (the traffic generator's `--vni`).
    public var txTunnel: VXLANTunnel?
    /// Flows flowgen spreads over.
    public var flows = 1024
    /// Generated packets per second per stream; nil for as fast as possible.
    public var txRate: Double?
    /// Receive and transmit queues used on every port (`--rxq`, `--txq`).
    public var rxQueues = 1, txQueues = 1
    /// Receive offloads asked for (`--enable-lro`, `--enable-rx-cksum`), in DPDK's names.
    public var rxOffloads: [String] = []
    /// Sleep on the ports' descriptors when idle instead of spinning.
    public var adaptive = true
    /// rxonly counts only probes sent at or after this time (CLOCK_MONOTONIC ns): a generator's trial
    /// ignores the stragglers of the trial before.
    public var probesSince: UInt64 = 0

    /// Creates the default configuration.
    public init() {}

    /// The peer MAC of `port`.
    public func peer(_ port: Int) -> EtherAddress { peers[port] ?? .defaultPeer(port) }
}
