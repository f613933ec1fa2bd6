/// One forwarding stream: receive on one port, transmit on another, on one lcore.
public struct Stream: Sendable, Equatable {
    /// Receive port id.
    public let rx: Int
    /// Transmit port id.
    public let tx: Int
    /// The peer address written in mac mode and as generated packets' destination.
    public let peer: EtherAddress
    /// CPU of the lcore that runs it.
    public let cpu: Int

    /// Creates a stream.
    public init(rx: Int, tx: Int, peer: EtherAddress, cpu: Int) {
        self.rx = rx
        self.tx = tx
        self.peer = peer
        self.cpu = cpu
    }

    /// Plans testpmd's streams: one per forwarding port, handed to the forwarding lcores in
    /// contiguous groups (each lcore gets at least one stream; extra lcores stay idle).
    public static func plan(_ config: ForwardingConfig, ports: [Int]) -> [Stream] {
        let pairs = config.topology.peers(of: ports)
        let cpus = Array(config.forwardingCPUs.prefix(max(1, config.coreCount)))
        guard !pairs.isEmpty, !cpus.isEmpty else { return [] }
        let lcores = min(cpus.count, pairs.count)
        var out = [Stream]()
        for (i, pair) in pairs.enumerated() {
            let cpu = cpus[i * lcores / pairs.count]
            out.append(Stream(rx: pair.rx, tx: pair.tx, peer: config.peer(pair.tx), cpu: cpu))
        }
        return out
    }
}
