import CFastPath
import Foundation
import Glibc

/// The virtual lab's traffic generator, built from FastPath itself: a txonly (or flowgen) forwarder
/// on the transmit interface and an rxonly forwarder counting probes on the receive interfaces, both
/// over AF_PACKET and one buffer pool, on the last CPU the process may use.
public struct TrafficGenerator: Sendable {
    /// The profile offered.
    public let profile: TrafficProfile

    /// Creates a generator.
    public init(profile: TrafficProfile) throws(FastPathError) {
        guard profile.frameSize >= Probe.minimumLength && profile.frameSize <= 1514 else {
            throw .invalid("frame size \(profile.frameSize): the generator sends \(Probe.minimumLength) to 1514 bytes")
        }
        // A rate above what the machine can send (14.88 Mpps, a 10G line at 64 bytes) is offered as fast as
        // it can; the report says what was sent.
        guard profile.rate > 0 && profile.rate <= 100_000_000 else { throw .invalid("rate \(profile.rate) pps: give 1 to 100000000") }
        guard profile.duration > 0 else { throw .invalid("duration must be positive") }
        self.profile = profile
    }

    /// Sends for the profile's duration (or until `stop` becomes readable), waits for stragglers,
    /// and reports.
    public func run(stop: Int32 = -1) throws(FastPathError) -> TrafficReport {
        let pool = try PacketPool(count: 8192)
        let cpu = max(0, Int(cfp_allowed_cpus()) - 1)
        var sendConfig = ForwardingConfig()
        sendConfig.mode = profile.flows > 1 ? .flowgen : .txonly
        sendConfig.topology = .loop
        sendConfig.forwardingCPUs = [cpu]
        sendConfig.txRate = profile.rate
        sendConfig.txLength = profile.frameSize
        sendConfig.txIP = profile.ip
        sendConfig.txICMP = profile.icmp
        sendConfig.flows = profile.flows
        sendConfig.peers[0] = profile.destinationMAC
        var receiveConfig = ForwardingConfig()
        receiveConfig.mode = .rxonly
        receiveConfig.topology = .loop
        receiveConfig.forwardingCPUs = [cpu]
        let sender = Forwarder(pool: pool, config: sendConfig)
        let receiver = Forwarder(pool: pool, config: receiveConfig)
        var opened = [any Port]()
        defer { for p in opened { p.close() } }
        let tx = try AFPacketPort(
            deviceName: "net_af_packet0", devargs: "iface=\(profile.transmit)", interface: profile.transmit,
            blockSize: 1 << 16, blockCount: 4, frameCount: 1024)
        opened.append(tx)
        try sender.attach(tx)
        for (i, name) in (profile.receive.isEmpty ? [profile.transmit] : profile.receive).enumerated() {
            let rx = try AFPacketPort(
                deviceName: "net_af_packet\(i)", devargs: "iface=\(name)", interface: name,
                blockSize: 1 << 16, blockCount: 16, frameCount: 64)
            opened.append(rx)
            try receiver.attach(rx)
        }
        try receiver.start()
        let started = Date()
        try sender.start()
        var fds = [pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
        _ = poll(&fds, stop >= 0 ? 1 : 0, Int32(profile.duration * 1000))
        sender.stop()
        let duration = Date().timeIntervalSince(started)
        usleep(300_000)
        receiver.stop()
        var probes = ProbeCounters()
        for id in receiver.ports.ids { probes = probes + receiver.probes(id) }
        let sent = sender.counters(0).txPackets
        // Loss over all receive ports together: what was sent and never came back.
        return TrafficReport(
            sent: sent, received: probes.received, lost: sent > probes.received ? sent - probes.received : 0, late: probes.late, gaps: probes.gaps,
            longestGap: probes.longestGap, rate: profile.rate, duration: duration)
    }
}
