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
        // The probe's numbers (18 bytes) follow the headers.
        let shortest = max(Probe.minimumLength, Probe.payloadOffset(profile.proto, tunnel: profile.tunnel) + 18)
        guard profile.frameSize >= shortest && profile.frameSize <= 1514 else {
            let what = profile.tunnel != nil ? "VXLAN-encapsulated \(profile.proto.rawValue)" : profile.proto.rawValue
            throw .invalid("frame size \(profile.frameSize): the generator sends \(what) probes of \(shortest) to 1514 bytes")
        }
        // A rate above what the machine can send (14.88 Mpps, a 10G line at 64 bytes) is offered as fast as
        // it can; the report says what was sent.
        guard profile.rate > 0 && profile.rate <= 100_000_000 else { throw .invalid("rate \(profile.rate) pps: give 1 to 100000000") }
        guard profile.duration > 0 else { throw .invalid("duration must be positive") }
        self.profile = profile
    }

    /// Sends for the profile's duration (or until `signals` brings SIGINT or SIGTERM), waits for
    /// stragglers, and reports. Each SIGUSR1 on `signals` ends a lap: `onLap` gets what the interval
    /// since the previous lap (or the start) measured while the probes go on.
    public func run(signals: Int32 = -1, onLap: (TrafficReport) -> Void = { _ in }) throws(FastPathError) -> TrafficReport {
        let pool = try PacketPool(count: 8192)
        let cpu = max(0, Int(cfp_allowed_cpus()) - 1)
        var sendConfig = ForwardingConfig()
        sendConfig.mode = profile.flows > 1 ? .flowgen : .txonly
        sendConfig.topology = .loop
        sendConfig.forwardingCPUs = [cpu]
        sendConfig.txRate = profile.rate
        sendConfig.txLength = profile.frameSize
        sendConfig.txIP = profile.ip
        sendConfig.txProto = profile.proto
        sendConfig.txUDP = profile.ports
        sendConfig.txTunnel = profile.tunnel
        sendConfig.flows = profile.flows
        sendConfig.peers[0] = profile.destinationMAC
        var receiveConfig = ForwardingConfig()
        receiveConfig.mode = .rxonly
        receiveConfig.topology = .loop
        receiveConfig.forwardingCPUs = [cpu]
        receiveConfig.probesSince = cfp_now_ns()  // not the stragglers of an earlier run (a search's trial before)
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
        let firstLap = cfp_now_ns()
        var lap = Lap(time: firstLap, sent: 0, probes: ProbeCounters())
        let end = Date().addingTimeInterval(profile.duration)
        var fds = [pollfd(fd: signals, events: Int16(POLLIN), revents: 0)]
        waiting: while true {
            let left = end.timeIntervalSinceNow
            if left <= 0 { break }
            guard poll(&fds, signals >= 0 ? 1 : 0, Int32(min(left, 3600) * 1000) + 1) > 0 else { continue }
            for signal in SignalPipe.drain(signals) {
                guard signal == SIGUSR1 else { break waiting }
                onLap(lap.end(sender: sender, receiver: receiver, rate: profile.rate))
            }
        }
        sender.stop()
        let stopped = cfp_now_ns()
        let duration = Date().timeIntervalSince(started)
        let sent = sender.counters(0).txPackets
        Self.awaitStragglers(of: receiver, sent: sent)
        receiver.stop()
        let probes = Self.probes(of: receiver)
        // Probes that stopped coming back before the end: the silence since the last one that did (or
        // the start) is an outage too, so a run that lost everything is not reported without one.
        let silence = sent > 0 ? stopped &- max(probes.lastTime, firstLap) : 0
        // Loss over all receive ports together: what was sent and never came back.
        return TrafficReport(
            sent: sent, received: probes.received, lost: sent > probes.received ? sent - probes.received : 0, late: probes.late, gaps: probes.gaps,
            longestGap: max(probes.longestGap, silence), rate: profile.rate, duration: duration, windows: receiver.lossWindows(),
            startNanoseconds: firstLap, endNanoseconds: stopped)
    }

    /// Waits for the probes still on their way after the sender stopped: until all `sent` are back, or
    /// none came for 100 ms, or 300 ms have passed (a lossless trial ends as soon as its last probe is in).
    private static func awaitStragglers(of receiver: Forwarder, sent: UInt64) {
        let deadline = cfp_now_ns() &+ 300_000_000
        var (count, since) = (probes(of: receiver).received, cfp_now_ns())
        while count < sent {
            usleep(5_000)
            let now = cfp_now_ns(), received = probes(of: receiver).received
            if received != count { (count, since) = (received, now) }
            if now >= deadline || now &- since >= 100_000_000 { return }
        }
    }

    private static func probes(of receiver: Forwarder) -> ProbeCounters {
        receiver.ports.ids.reduce(ProbeCounters()) { $0 + receiver.probes($1) }
    }

    /// Where the current lap began: its time on the probes' clock, and the counts then.
    private struct Lap {
        var time: UInt64
        var sent: UInt64
        var probes: ProbeCounters

        /// How long a lap's end waits for probes sent after it, µs: 50 ms, or three probes' worth at
        /// low rates (longer than a probe takes to come back).
        static func grace(rate: Double) -> UInt32 { UInt32(max(50_000, 3e6 / max(rate, 1))) }

        /// Ends the lap now and starts the next: what was sent and received in it, its loss windows
        /// (those that began in it, and the part in it of one still open when the last lap ended) and,
        /// when no probe sent after its end comes back within the grace, the silence since the last
        /// one that did as an outage still going on.
        mutating func end(sender: Forwarder, receiver: Forwarder, rate: Double) -> TrafficReport {
            let now = cfp_now_ns()
            let sent = sender.counters(0).txPackets
            usleep(Self.grace(rate: rate))
            let probes = TrafficGenerator.probes(of: receiver)
            let windows = receiver.lossWindows().compactMap { w -> LossWindow? in
                guard w.start < now, w.end > time else { return nil }
                guard w.start < time else { return w }
                // Its probes were sent evenly across it: those sent after the last lap's end are this lap's.
                let share = Double(w.end - time) / Double(w.length)
                return LossWindow(start: time, end: w.end, lost: UInt64((Double(w.lost) * share).rounded()))
            }
            var longest = windows.map(\.length).max() ?? 0
            if probes.lastTime < now { longest = max(longest, now &- max(probes.lastTime, time)) }
            let received = min(probes.received &- self.probes.received, sent &- self.sent)
            let report = TrafficReport(
                sent: sent &- self.sent, received: received, lost: windows.reduce(0) { $0 &+ $1.lost },
                late: probes.late &- self.probes.late, gaps: UInt64(windows.count), longestGap: longest, rate: rate,
                duration: Double(now &- time) / 1e9, windows: windows, startNanoseconds: time, endNanoseconds: now)
            self = Lap(time: now, sent: sent, probes: probes)
            return report
        }
    }
}
