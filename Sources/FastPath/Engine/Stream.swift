/// One forwarding stream: receive on one port's queue, transmit on another port's queue, on one lcore.
public struct Stream: Sendable, Equatable {
    /// Receive port id.
    public let rx: Int
    /// Transmit port id.
    public let tx: Int
    /// The peer address written in mac mode and as generated packets' destination.
    public let peer: EtherAddress
    /// CPU of the lcore that runs it.
    public let cpu: Int
    /// Receive and transmit queue (the same index: testpmd pairs queue n with queue n).
    public let queue: Int

    /// Creates a stream.
    public init(rx: Int, tx: Int, peer: EtherAddress, cpu: Int, queue: Int = 0) {
        self.rx = rx
        self.tx = tx
        self.peer = peer
        self.cpu = cpu
        self.queue = queue
    }

    /// Plans testpmd's streams: one per forwarding port and queue (queue 0 of every port, then queue 1
    /// of every port, …, as many queues as the fewer of --rxq and --txq), handed to the forwarding
    /// lcores in contiguous groups (each lcore gets at least one stream; extra lcores stay idle).
    public static func plan(_ config: ForwardingConfig, ports: [Int]) -> [Stream] {
        // vhost-switch: one stream per port, all on the first lcore (a stream may send on any port's
        // queue, and a queue takes one sender); each frame's port is chosen per packet (tx is nominal:
        // the uplink for a VM port, the first VM port for the uplink).
        let switching = config.mode == .vhostSwitch
        let pairs =
            switching
            ? (ports.count < 2 ? [] : ports.map { (rx: $0, tx: $0 == ports[0] ? ports[1] : ports[0]) })
            : config.topology.peers(of: ports)
        let cpus = Array(config.forwardingCPUs.prefix(max(1, config.coreCount)))
        let queues = max(1, min(config.rxQueues, config.txQueues))
        guard !pairs.isEmpty, !cpus.isEmpty else { return [] }
        let count = pairs.count * queues
        let lcores = switching ? 1 : min(cpus.count, count)
        var out = [Stream]()
        for queue in 0..<queues {
            for pair in pairs {
                let cpu = cpus[out.count * lcores / count]
                out.append(Stream(rx: pair.rx, tx: pair.tx, peer: config.peer(pair.tx), cpu: cpu, queue: queue))
            }
        }
        return out
    }
}
