import CFastPath
import Glibc

/// The per-burst work of every mode. Plain pointers and value types only: no allocation, no
/// reference counting, no existential per packet (ports are called once per burst).
struct ForwardingLoop {
    let mode: ForwardMode
    /// txonly or flowgen (kept, not recomputed per burst).
    let generates: Bool
    let burstSize: Int
    let retry: Bool
    let retryCount: Int
    let retryDelay: UInt32
    let flows: UInt32
    let firstDestination: UInt32
    let proto: ProbeProtocol
    /// Where generated probes carry their numbers, and where their (inner) IPv4 header starts.
    let stampOffset: Int, innerIP: Int
    let ratePerStream: Double?
    let probesSince: UInt64
    let counters: UnsafeMutablePointer<PortCounters>
    let probes: UnsafeMutablePointer<ProbeCounters>
    unowned(unsafe) let losses: LossLog
    unowned(unsafe) let capture: CaptureHub
    /// The hub's flags, read per burst without touching the hub object (no reference counting).
    let captureFlags: UnsafeMutablePointer<UInt32>
    let burst: UnsafeMutablePointer<PacketRef>
    private var lastPace: UInt64

    init(
        config: ForwardingConfig, counters: UnsafeMutablePointer<PortCounters>, probes: UnsafeMutablePointer<ProbeCounters>,
        losses: LossLog, capture: CaptureHub, burst: UnsafeMutablePointer<PacketRef>
    ) {
        mode = config.mode
        generates = config.mode.generates
        burstSize = config.burst
        retry = config.retry
        retryCount = config.retryCount
        retryDelay = UInt32(config.retryDelayMicroseconds)
        flows = UInt32(max(1, config.flows))
        firstDestination = config.txIP.destination
        proto = config.txProto
        stampOffset = Probe.payloadOffset(config.txProto, tunnel: config.txTunnel)
        innerIP = stampOffset - 20 - config.txProto.headerLength
        ratePerStream = config.txRate
        probesSince = config.probesSince
        self.counters = counters
        self.probes = probes
        self.losses = losses
        self.capture = capture
        captureFlags = capture.flags
        self.burst = burst
        lastPace = cfp_now_ns()
    }

    /// Whether pdump captures the port's direction now (one load).
    @inline(__always)
    func watching(_ port: Int, _ direction: CaptureDirection) -> Bool {
        cfp_load_acquire_u32(captureFlags + port * 2 + direction.rawValue) != 0
    }

    /// Runs one burst of a stream. Returns whether it moved any packet.
    @inline(__always)
    mutating func forward(_ s: inout StreamSlot, cache: inout PoolCache) -> Bool {
        if generates { return generate(&s, cache: &cache) }
        let n = s.receiver.receive(burst, max: burstSize, cache: &cache)
        if n == 0 { return false }
        var bytes = 0
        for i in 0..<n { bytes &+= burst[i].length }
        counters[s.rxId].rxPackets &+= UInt64(n)
        counters[s.rxId].rxBytes &+= UInt64(bytes)
        s.counters.pointee.rxPackets &+= UInt64(n)
        if watching(s.rxId, .rx) { capture.copy(burst, count: n, port: s.rxId, direction: .rx, cache: &cache) }
        switch mode {
        case .rxonly:
            for i in 0..<n {
                if let probe = Probe.read(burst[i].data, length: burst[i].length), probe.time >= probesSince,
                    let window = probes[s.rxId].account(sequence: probe.sequence, time: probe.time)
                {
                    losses.record(window)
                }
            }
            cache.give(n, from: burst)
            return true
        case .mac:
            for i in 0..<n { HeaderEdit.setAddresses(burst[i].data, destination: s.destination, source: s.source) }
        case .macswap:
            for i in 0..<n { HeaderEdit.swapAddresses(burst[i].data) }
        case .icmpecho:
            var replies = 0, replyBytes = 0
            for i in 0..<n {
                if ICMPEcho.answer(burst[i].data, length: burst[i].length, own: s.source) {
                    replyBytes &+= burst[i].length
                    let reply = burst[i]
                    burst[i] = burst[replies]
                    burst[replies] = reply
                    replies += 1
                }
            }
            cache.give(n - replies, from: burst + replies)
            if replies > 0 { transmit(&s, count: replies, bytes: replyBytes, cache: &cache) }
            return true
        case .vhostSwitch:
            switchBurst(&s, count: n, cache: &cache)
            return true
        default:
            break
        }
        transmit(&s, count: n, bytes: bytes, cache: &cache)
        return true
    }

    /// Sends `n` packets of the burst on the stream's tx port, retrying if asked, and drops the rest.
    @inline(__always)
    mutating func transmit(_ s: inout StreamSlot, count n: Int, bytes: Int, cache: inout PoolCache) {
        send(burst, count: n, bytes: bytes, on: s.sender, id: s.txId, stream: s.counters, cache: &cache)
    }

    /// Sends `n` frames on port `id`'s queue `port`, retrying if asked, and drops the rest, counting
    /// for the port and for the stream.
    @inline(__always)
    mutating func send(
        _ frames: UnsafeMutablePointer<PacketRef>, count n: Int, bytes: Int, on port: PortHandle, id: Int,
        stream: UnsafeMutablePointer<PortCounters>, cache: inout PoolCache
    ) {
        if watching(id, .tx) { capture.copy(frames, count: n, port: id, direction: .tx, cache: &cache) }
        var sent = port.transmit(frames, count: n, cache: &cache)
        if sent < n && retry {
            var tries = 0
            while sent < n && tries < retryCount {
                usleep(retryDelay)
                sent += port.transmit(frames + sent, count: n - sent, cache: &cache)
                tries += 1
            }
        }
        counters[id].txPackets &+= UInt64(sent)
        stream.pointee.txPackets &+= UInt64(sent)
        if sent == n {
            counters[id].txBytes &+= UInt64(bytes)
            return
        }
        var unsent = 0
        for i in sent..<n { unsent &+= frames[i].length }
        counters[id].txBytes &+= UInt64(bytes - unsent)
        counters[id].txDropped &+= UInt64(n - sent)
        stream.pointee.txDropped &+= UInt64(n - sent)
        cache.give(n - sent, from: frames + sent)
    }

    /// vhost-switch: learns the sources of frames from VM ports, sorts the burst by destination port
    /// (see `ForwardMode.vhostSwitch`), and sends each port its frames. Frames with nowhere to go are
    /// dropped and counted as the stream's TX-dropped.
    @inline(__always)
    mutating func switchBurst(_ s: inout StreamSlot, count n: Int, cache: inout PoolCache) {
        guard let f = s.fabric else {
            cache.give(n, from: burst)
            return
        }
        let fromUplink = f.position == 0
        var dropped = 0
        for i in 0..<n {
            let p = burst[i]
            guard p.length >= 14 else {
                cache.give(1, from: burst + i)
                dropped += 1
                continue
            }
            let destination = MACTable.address(p.data, at: 0)
            if !fromUplink {
                let source = MACTable.address(p.data, at: 6)
                if !MACTable.isGroup(source) { f.table.learn(source, port: f.position) }
            }
            if MACTable.isGroup(destination) {
                guard fromUplink else {
                    f.append(p, to: 0)
                    continue
                }
                // Every VM port gets the frame: copies for all but the last, which takes the original.
                for to in 1..<f.count {
                    var frame = p
                    if to < f.count - 1 {
                        guard cache.take(1, into: &frame) == 1 else {
                            dropped += 1
                            continue
                        }
                        frame.data.copyMemory(from: p.data, byteCount: p.length)
                        frame.length = p.length
                    }
                    f.append(frame, to: to)
                }
                continue
            }
            // Learned addresses sit behind VM ports (positions from 1); unknown ones are outside.
            let to = f.table.lookup(destination) ?? 0
            guard to != f.position, to < f.count else {
                cache.give(1, from: burst + i)  // unknown on the uplink, or back to the port it came from
                dropped += 1
                continue
            }
            f.append(p, to: to)
        }
        s.counters.pointee.txDropped &+= UInt64(dropped)
        for to in 0..<f.count where f.laneCounts[to] > 0 {
            let (c, bytes) = f.drain(to)
            send(f.lane(to), count: c, bytes: bytes, on: f.handles[to], id: f.ids[to], stream: s.counters, cache: &cache)
        }
    }

    /// txonly and flowgen: builds a burst of probes from the stream's template and sends it.
    @inline(__always)
    mutating func generate(_ s: inout StreamSlot, cache: inout PoolCache) -> Bool {
        var want = burstSize
        if ratePerStream != nil {
            want = Swift.min(want, Int(s.credit))
            if want <= 0 { return false }
            s.credit -= Double(want)
        }
        let n = cache.take(want, into: burst)
        if n == 0 { return false }
        let now = cfp_now_ns()
        let length = s.templateLength
        for i in 0..<n {
            let p = burst[i]
            p.data.copyMemory(from: s.template, byteCount: length)
            p.length = length
            Probe.stamp(p.data, at: stampOffset, sequence: s.sequence, time: now)
            s.sequence &+= 1
            if mode == .flowgen {
                p.data.storeBytes(of: (firstDestination &+ s.flow).bigEndian, toByteOffset: 30, as: UInt32.self)
                Probe.writeChecksum(p.data + 14)
                s.flow = s.flow &+ 1 == flows ? 0 : s.flow &+ 1
            }
            if proto == .icmp { Probe.writeICMPChecksum(p.data + innerIP + 20, length: length - innerIP - 20) }
            if proto == .tcp { Probe.writeTCPChecksum(p.data + innerIP, length: length - innerIP) }
        }
        transmit(&s, count: n, bytes: n * length, cache: &cache)
        return true
    }

    /// Rate-limited generators: grants every stream the credit of the time since the last call, up to
    /// two milliseconds' worth (or two bursts), so a pause never turns into a burst far above the rate.
    @inline(__always)
    mutating func earn(_ streams: UnsafeMutablePointer<StreamSlot>, count: Int) {
        guard let rate = ratePerStream else { return }
        let now = cfp_now_ns()
        let earned = rate * Double(now &- lastPace) / 1e9
        lastPace = now
        let cap = Swift.max(Double(2 * burstSize), rate * 0.002)
        for i in 0..<count { streams[i].credit = Swift.min(streams[i].credit + earned, cap) }
    }
}
