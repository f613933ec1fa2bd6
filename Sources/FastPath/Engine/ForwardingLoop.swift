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
    let icmp: Bool
    let ratePerStream: Double?
    let counters: UnsafeMutablePointer<PortCounters>
    let probes: UnsafeMutablePointer<ProbeCounters>
    unowned(unsafe) let capture: CaptureHub
    /// The hub's flags, read per burst without touching the hub object (no reference counting).
    let captureFlags: UnsafeMutablePointer<UInt32>
    let burst: UnsafeMutablePointer<PacketRef>
    private var lastPace: UInt64

    init(config: ForwardingConfig, counters: UnsafeMutablePointer<PortCounters>, probes: UnsafeMutablePointer<ProbeCounters>,
         capture: CaptureHub, burst: UnsafeMutablePointer<PacketRef>) {
        mode = config.mode
        generates = config.mode.generates
        burstSize = config.burst
        retry = config.retry
        retryCount = config.retryCount
        retryDelay = UInt32(config.retryDelayMicroseconds)
        flows = UInt32(max(1, config.flows))
        firstDestination = config.txIP.destination
        icmp = config.txICMP
        ratePerStream = config.txRate
        self.counters = counters
        self.probes = probes
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
                if let probe = Probe.read(burst[i].data, length: burst[i].length) {
                    probes[s.rxId].account(sequence: probe.sequence, time: probe.time)
                }
            }
            cache.give(n, from: burst)
            return true
        case .mac:
            for i in 0..<n { HeaderEdit.setAddresses(burst[i].data, destination: s.destination, source: s.source) }
        case .macswap:
            for i in 0..<n { HeaderEdit.swapAddresses(burst[i].data) }
        default:
            break
        }
        transmit(&s, count: n, bytes: bytes, cache: &cache)
        return true
    }

    /// Sends `n` packets of the burst on the stream's tx port, retrying if asked, and drops the rest.
    @inline(__always)
    mutating func transmit(_ s: inout StreamSlot, count n: Int, bytes: Int, cache: inout PoolCache) {
        if watching(s.txId, .tx) { capture.copy(burst, count: n, port: s.txId, direction: .tx, cache: &cache) }
        var sent = s.sender.transmit(burst, count: n, cache: &cache)
        if sent < n && retry {
            var tries = 0
            while sent < n && tries < retryCount {
                usleep(retryDelay)
                sent += s.sender.transmit(burst + sent, count: n - sent, cache: &cache)
                tries += 1
            }
        }
        counters[s.txId].txPackets &+= UInt64(sent)
        s.counters.pointee.txPackets &+= UInt64(sent)
        if sent == n {
            counters[s.txId].txBytes &+= UInt64(bytes)
            return
        }
        var unsent = 0
        for i in sent..<n { unsent &+= burst[i].length }
        counters[s.txId].txBytes &+= UInt64(bytes - unsent)
        counters[s.txId].txDropped &+= UInt64(n - sent)
        s.counters.pointee.txDropped &+= UInt64(n - sent)
        cache.give(n - sent, from: burst + sent)
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
            Probe.stamp(p.data, sequence: s.sequence, time: now)
            s.sequence &+= 1
            if mode == .flowgen {
                p.data.storeBytes(of: (firstDestination &+ s.flow).bigEndian, toByteOffset: 30, as: UInt32.self)
                Probe.writeChecksum(p.data + 14)
                s.flow = s.flow &+ 1 == flows ? 0 : s.flow &+ 1
            }
            if icmp { Probe.writeICMPChecksum(p.data + 34, length: length - 34) }
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
