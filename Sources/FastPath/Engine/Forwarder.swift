import CFastPath
import Glibc

/// A running FastPath: its buffer pool, ports, forwarding configuration and lcores, and the counters
/// kept across forwarding runs. The control plane (prompt, control socket, link monitor) calls it
/// under one lock; the lcores never take it.
public final class Forwarder: @unchecked Sendable {
    /// The packet buffers.
    public let pool: PacketPool
    /// The ports.
    public let ports = PortTable()
    /// The configuration `start` uses.
    public var config: ForwardingConfig
    /// Where lcores hand pdump its copies.
    public let capture = CaptureHub()
    /// vhost-switch's address table, shared by the lcores and kept across stop and start.
    let macTable = MACTable()
    private var workers: [LcoreWorker] = []
    private var streams: [Stream] = []
    private var retired = [PortCounters](repeating: PortCounters(), count: PortTable.capacity)
    private var retiredProbes = [ProbeCounters](repeating: ProbeCounters(), count: PortTable.capacity)
    /// The loss logs of the last run that ended.
    private var lastRunLosses: [LossLog] = []
    private var missed = [UInt64](repeating: 0, count: PortTable.capacity)
    private var baseline = [PortCounters](repeating: PortCounters(), count: PortTable.capacity)
    private var probeBaseline = [ProbeCounters](repeating: ProbeCounters(), count: PortTable.capacity)
    private var runStart = [PortCounters](repeating: PortCounters(), count: PortTable.capacity)
    private var lastShown: [Int: (time: UInt64, counters: PortCounters)] = [:]
    private let lock = ReentrantLock()
    /// The executable's malloc counter, when it has one.
    public let allocationCounter: AllocationCounter?
    /// Allocations made inside forwarding loops, and the packets those loops moved, over every run so
    /// far (nil when not counted).
    public private(set) var loopAllocations: (allocations: UInt64, packets: UInt64)?

    /// Creates a forwarder with `buffers` packet buffers.
    public convenience init(buffers: Int, config: ForwardingConfig, allocationCounter: AllocationCounter? = nil) throws(FastPathError) {
        self.init(pool: try PacketPool(count: buffers), config: config, allocationCounter: allocationCounter)
    }

    /// Creates a forwarder over an existing pool (forwarders in one process joined by ring ports share one).
    public init(pool: PacketPool, config: ForwardingConfig, allocationCounter: AllocationCounter? = nil) {
        self.pool = pool
        self.allocationCounter = allocationCounter
        loopAllocations = allocationCounter.map { _ in (0, 0) }
        self.config = config
    }

    /// Runs `body` holding the control-plane lock.
    public func locked<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        try lock.withLock(body)
    }

    /// Whether lcores are forwarding.
    public var isForwarding: Bool { !workers.isEmpty }

    /// The streams of the current (or next) run.
    public var plannedStreams: [Stream] { isForwarding ? streams : Stream.plan(config, ports: forwardingPorts) }

    /// The forwarding ports: the port list if set, else every port that is not a bonding slave.
    public var forwardingPorts: [Int] {
        (config.portList ?? ports.ids).filter { ports.entry($0) != nil && ports.entry($0)?.bondedTo == nil }
    }

    /// Adds and starts a port.
    @discardableResult
    public func attach(_ port: any Port) throws(FastPathError) -> Int {
        let id = try ports.add(port)
        try port.start()
        ports.update(id) { $0.started = true }
        return id
    }

    /// Starts forwarding; with `txFirst`, first sends that many bursts of probes on every forwarding port.
    public func start(txFirst: Int = 0) throws(FastPathError) {
        guard !isForwarding else { throw .invalid("Packet forwarding already started") }
        if config.mode == .vhostSwitch && forwardingPorts.count == 1 {
            throw .invalid(
                "vhost-switch needs an uplink and at least one VM port, but port \(forwardingPorts[0]) is the only forwarding port: attach the VMs' ports (net_vhost) or fix set portlist"
            )
        }
        let planned = Stream.plan(config, ports: forwardingPorts)
        guard !planned.isEmpty else { throw .invalid("No forwarding ports: attach ports or fix set portlist") }
        for id in forwardingPorts {
            guard let port = ports.port(id) else { continue }
            for (option, wanted) in [("--rxq", config.rxQueues), ("--txq", config.txQueues)] where wanted > port.queueCount {
                throw .invalid(
                    "Fail: input \(option.dropFirst(2)) (\(wanted)) can't be greater than max queues (\(port.queueCount)) of port \(id) (\(port.deviceName)): give its device queues=\(wanted), or \(option)=\(port.queueCount)"
                )
            }
        }
        for s in planned {
            for id in [s.rx, s.tx] where ports.entry(id)?.started != true {
                throw .invalid("Port \(id) is not started: port start \(id) first")
            }
        }
        if txFirst > 0 { sendFirst(planned, bursts: txFirst) }
        var created = [LcoreWorker]()
        for cpu in Set(planned.map(\.cpu)).sorted() {
            created.append(
                try LcoreWorker(
                    cpu: cpu, streams: planned.filter { $0.cpu == cpu }, ports: ports, pool: pool, config: config, capture: capture,
                    allocationCounter: allocationCounter, switchPorts: forwardingPorts, table: macTable))
        }
        for id in ports.ids { runStart[id] = counters(id) }
        streams = planned
        workers = created
        for w in created { try w.launch() }
    }

    /// Each stream of the last run that ended, with what it received, sent and dropped.
    public private(set) var lastRunStreams: [(stream: Stream, run: PortCounters)] = []

    /// Stops forwarding; returns each forwarding port's counters for the run that ended.
    @discardableResult
    public func stop() -> [(port: Int, run: PortCounters)] {
        guard isForwarding else { return [] }
        for w in workers { w.stopAndJoin() }
        lastRunStreams = workers.flatMap { w in w.streams.enumerated().map { ($1, w.streamCounters[$0]) } }
        lastRunLosses = workers.map(\.losses)
        for w in workers {
            if let a = w.loopAllocations, let total = loopAllocations {
                let moved = (0..<PortTable.capacity).reduce(UInt64(0)) {
                    $0 &+ w.counters[$1].rxPackets &+ (config.mode.generates ? w.counters[$1].txPackets : 0)
                }
                loopAllocations = (total.allocations &+ a, total.packets &+ moved)
            }
            for id in 0..<PortTable.capacity {
                retired[id] = retired[id] + w.counters[id]
                retiredProbes[id] = retiredProbes[id] + w.probes[id]
            }
        }
        let used = Set(streams.flatMap { [$0.rx, $0.tx] }).sorted()
        workers = []
        streams = []
        return used.map { ($0, counters($0) - runStart[$0]) }
    }

    /// A port's counters since the last `clear port stats`.
    public func counters(_ id: Int) -> PortCounters {
        guard id >= 0 && id < PortTable.capacity else { return PortCounters() }
        var total = retired[id]
        for w in workers { total = total + w.counters[id] }
        for bond in ports.ids.compactMap({ ports.port($0) as? BondingPort }) { total = total + bond.counters(ofSlave: id) }
        if let port = ports.port(id) { missed[id] &+= port.takeMissed() }
        total.rxMissed &+= missed[id]
        return total - baseline[id]
    }

    /// The loss windows rxonly saw in the run going on, or else the last one (all ports, by start time).
    public func lossWindows() -> [LossWindow] {
        (workers.isEmpty ? lastRunLosses : workers.map(\.losses)).flatMap(\.windows).sorted { $0.start < $1.start }
    }

    /// A port's probe counters since the last `clear port stats`.
    public func probes(_ id: Int) -> ProbeCounters {
        guard id >= 0 && id < PortTable.capacity else { return ProbeCounters() }
        var total = rawProbes(id)
        total.received &-= probeBaseline[id].received
        total.lost &-= probeBaseline[id].lost
        total.late &-= probeBaseline[id].late
        total.gaps &-= probeBaseline[id].gaps
        return total
    }

    private func rawProbes(_ id: Int) -> ProbeCounters {
        var total = retiredProbes[id]
        for w in workers { total = total + w.probes[id] }
        return total
    }

    /// Packets per second received and sent since the previous call for this port (testpmd's
    /// "Throughput (since last show)").
    public func throughput(_ id: Int) -> (rx: UInt64, tx: UInt64, rxBits: UInt64, txBits: UInt64) {
        let now = cfp_now_ns()
        let c = counters(id) + baseline[id]
        defer { lastShown[id] = (now, c) }
        guard let last = lastShown[id], now > last.time else { return (0, 0, 0, 0) }
        let seconds = Double(now - last.time) / 1e9
        func rate(_ a: UInt64, _ b: UInt64) -> UInt64 { UInt64(Double(a &- b) / seconds) }
        return (
            rate(c.rxPackets, last.counters.rxPackets), rate(c.txPackets, last.counters.txPackets),
            rate(c.rxBytes, last.counters.rxBytes) * 8, rate(c.txBytes, last.counters.txBytes) * 8
        )
    }

    /// Zeroes a port's counters (by keeping a baseline: lcores own the live counters).
    public func clear(_ id: Int) {
        guard id >= 0 && id < PortTable.capacity else { return }
        baseline[id] = counters(id) + baseline[id]
        probeBaseline[id] = rawProbes(id)
        lastShown[id] = nil
    }

    /// Waits until no lcore can still be using a port reference it read before now: each running
    /// lcore has either finished a loop iteration or sleeps.
    public func gracePeriod() {
        let marks = workers.map { $0.epoch.load(ordering: .acquiring) }
        let deadline = cfp_now_ns() + 1_000_000_000
        for (w, mark) in zip(workers, marks) {
            while w.epoch.load(ordering: .acquiring) == mark && !w.sleeping.load(ordering: .acquiring) && cfp_now_ns() < deadline {
                usleep(20)
            }
        }
    }

    /// Bonded devices' ids.
    public var bondIDs: [Int] { ports.ids.filter { ports.port($0) is BondingPort } }

    /// Re-elects every bond's active slave (link changes, stopped slaves). Returns the bonds whose
    /// active slave changed, with the new one.
    @discardableResult
    public func monitorLinks() -> [(bond: Int, active: Int?)] {
        var changes = [(bond: Int, active: Int?)]()
        for id in bondIDs {
            guard let bond = ports.port(id) as? BondingPort else { continue }
            let before = bond.activeSlave
            let after = bond.elect(ports)
            if before != after { changes.append((id, after)) }
        }
        return changes
    }

    /// Sends `bursts` bursts of probes on every planned stream's tx port (testpmd's start tx_first).
    private func sendFirst(_ planned: [Stream], bursts: Int) {
        var cache = PoolCache(pool: pool)
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: config.burst)
        defer { burst.deallocate() }
        for s in planned {
            guard let tx = ports.port(s.tx) else { continue }
            let frame = Probe.template(
                length: config.txLength, source: tx.macAddress, destination: s.peer, ip: config.txIP, udp: config.txUDP,
                proto: config.txProto, tunnel: config.txTunnel)
            for _ in 0..<bursts {
                let n = cache.take(config.burst, into: burst)
                for i in 0..<n {
                    frame.withUnsafeBytes { burst[i].data.copyMemory(from: $0.baseAddress!, byteCount: frame.count) }
                    burst[i].length = frame.count
                }
                let sent = tx.transmit(burst, count: n, cache: &cache)
                retired[s.tx].txPackets &+= UInt64(sent)
                retired[s.tx].txBytes &+= UInt64(sent * frame.count)
                if sent < n { cache.give(n - sent, from: burst + sent) }
            }
        }
    }
}
