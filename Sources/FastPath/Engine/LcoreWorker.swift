import CFastPath
import Glibc
import Synchronization

/// One forwarding lcore: a thread pinned to its CPU that runs its streams until told to stop, with
/// its own buffer cache and counter blocks. It spins while packets flow and sleeps in poll() on its
/// ports' descriptors after a run of empty polls, so idle forwarders leave the CPU to others. How
/// long a run that is follows the traffic: under sparse traffic (a probe stream of thousands of
/// packets a second) it sleeps between packets instead of spinning through every gap (the vhost-user
/// migration how-to's switches at 10 kpps took 40 % of a CPU each, and 6-20 % so, on a lab whose two
/// CPUs its TCG guests share).
final class LcoreWorker: @unchecked Sendable {
    /// Empty loop iterations before sleeping while packets come often.
    static let idleSpins = 2048
    /// Empty loop iterations before sleeping while they come seldom.
    static let sparseIdleSpins = 64
    /// Loop iterations over which the traffic is judged, and the bursts per millisecond below which
    /// it counts as seldom (16 000 a second: a sender the receiver keeps up with at millions of packets
    /// a second still brings hundreds per millisecond, and must not be made to kick).
    static let window = 4096
    static let frequentBurstsPerMillisecond: UInt64 = 16
    /// Longest sleep before re-checking the stop flag, ms.
    static let sleepMilliseconds: Int32 = 20

    let cpu: Int
    let pool: PacketPool
    let config: ForwardingConfig
    let counters: UnsafeMutablePointer<PortCounters>
    let probes: UnsafeMutablePointer<ProbeCounters>
    /// The loss windows its rxonly streams saw.
    let losses = LossLog()
    /// Per stream, in the order given: what it received, sent and dropped.
    let streamCounters: UnsafeMutablePointer<PortCounters>
    let capture: CaptureHub
    private let slots: [StreamSlot]
    /// The streams it runs, in order.
    let streams: [Stream]
    private let stopFlag = Atomic<Bool>(false)
    /// Incremented on every loop iteration; the control plane waits for it to move (a grace period).
    let epoch = Atomic<UInt64>(0)
    /// True while the lcore sleeps in poll() (it holds no port reference then).
    let sleeping = Atomic<Bool>(false)
    private let wake: Int32
    private var thread: pthread_t?
    private var templates: [UnsafeMutableRawPointer] = []
    private let allocationCounter: AllocationCounter?
    /// Allocations this lcore made inside its forwarding loop (after setup, before teardown), when counted.
    private(set) var loopAllocations: UInt64?

    /// `switchPorts` and `table`: in vhost-switch mode, the forwarding ports (the uplink first) and the
    /// forwarder's address table.
    init(
        cpu: Int, streams: [Stream], ports: PortTable, pool: PacketPool, config: ForwardingConfig, capture: CaptureHub,
        allocationCounter: AllocationCounter?, switchPorts: [Int] = [], table: MACTable? = nil
    ) throws(FastPathError) {
        self.cpu = cpu
        self.allocationCounter = allocationCounter
        self.pool = pool
        self.config = config
        self.capture = capture
        counters = .allocate(capacity: PortTable.capacity)
        counters.initialize(repeating: PortCounters(), count: PortTable.capacity)
        probes = .allocate(capacity: PortTable.capacity)
        probes.initialize(repeating: ProbeCounters(), count: PortTable.capacity)
        streamCounters = .allocate(capacity: max(1, streams.count))
        streamCounters.initialize(repeating: PortCounters(), count: max(1, streams.count))
        let fd = cfp_eventfd()
        guard fd >= 0 else { throw .system("eventfd", errno) }
        wake = fd
        var slots = [StreamSlot]()
        for s in streams {
            guard let rx = ports.port(s.rx), let tx = ports.port(s.tx) else { throw .noSuchPort(ports.port(s.rx) == nil ? s.rx : s.tx) }
            let frame = Probe.template(
                length: config.txLength, source: tx.macAddress, destination: s.peer, ip: config.txIP, udp: config.txUDP,
                proto: config.txProto, tunnel: config.txTunnel)
            let t = UnsafeMutableRawPointer.allocate(byteCount: frame.count, alignment: 64)
            t.copyMemory(from: frame, byteCount: frame.count)
            templates.append(t)
            var slot = StreamSlot(
                receiver: PortHandle(rx, queue: s.queue), sender: PortHandle(tx, queue: s.queue), rxId: s.rx, txId: s.tx,
                counters: streamCounters + slots.count, destination: s.peer.words, source: tx.macAddress.words, template: t,
                templateLength: frame.count)
            if config.mode == .vhostSwitch, let table, let position = switchPorts.firstIndex(of: s.rx) {
                let fabric = try switchPorts.map { id throws(FastPathError) in
                    guard let port = ports.port(id) else { throw .noSuchPort(id) }
                    return (handle: PortHandle(port, queue: min(s.queue, port.queueCount - 1)), id: id)
                }
                slot.fabric = SwitchFabric(ports: fabric, position: position, table: table)
            }
            slots.append(slot)
        }
        self.slots = slots
        self.streams = streams
    }

    deinit {
        Glibc.close(wake)
        counters.deallocate()
        probes.deallocate()
        streamCounters.deallocate()
        for t in templates { t.deallocate() }
        for s in slots { s.fabric?.deallocate() }
    }

    /// Starts the thread.
    func launch() throws(FastPathError) {
        let box = Unmanaged.passRetained(self)
        var t = pthread_t()
        let r = pthread_create(
            &t, nil,
            { arg in
                let worker = Unmanaged<LcoreWorker>.fromOpaque(arg!).takeRetainedValue()
                worker.run()
                return nil
            }, box.toOpaque())
        guard r == 0 else {
            box.release()
            throw .system("starting lcore \(cpu)", r)
        }
        thread = t
    }

    /// Asks the thread to stop and waits for it.
    func stopAndJoin() {
        stopFlag.store(true, ordering: .releasing)
        var one: UInt64 = 1
        _ = Glibc.write(wake, &one, 8)
        if let thread { pthread_join(thread, nil) }
        thread = nil
    }

    private func run() {
        _ = cfp_pin_thread(Int32(cpu))
        var cache = PoolCache(pool: pool)
        // Everything the loop touches lives in memory allocated here, before the first packet.
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 512)
        let count = slots.count
        let streams = UnsafeMutablePointer<StreamSlot>.allocate(capacity: max(count, 1))
        streams.initialize(from: slots, count: count)
        let fds = UnsafeMutablePointer<pollfd>.allocate(capacity: count + 1)
        defer {
            burst.deallocate()
            streams.deinitialize(count: count)
            streams.deallocate()
            fds.deallocate()
        }
        var pollable = !config.mode.generates && config.adaptive && count > 0
        fds[0] = pollfd(fd: wake, events: Int16(POLLIN), revents: 0)
        for i in 0..<count {
            let fd = streams[i].receiver.readinessDescriptor
            if fd < 0 { pollable = false }
            fds[i + 1] = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        }
        let paced = config.mode.generates && config.txRate != nil
        var idle = 0
        var idleSpins = Self.idleSpins
        var (iterations, busyIterations) = (0, UInt64(0))
        var windowStart = cfp_now_ns()
        var loop = ForwardingLoop(config: config, counters: counters, probes: probes, losses: losses, capture: capture, burst: burst)
        let allocationsBefore = allocationCounter?.thread()
        defer { loopAllocations = allocationsBefore.map { allocationCounter!.thread() - $0 } }
        while !stopFlag.load(ordering: .relaxed) {
            epoch.store(epoch.load(ordering: .relaxed) &+ 1, ordering: .releasing)  // one writer: a plain store, no locked instruction
            if paced { loop.earn(streams, count: count) }
            var busy = false
            for i in 0..<count where loop.forward(&streams[i], cache: &cache) {
                busy = true
            }
            iterations &+= 1
            if iterations == Self.window {
                let now = cfp_now_ns()
                let frequent = busyIterations &* 1_000_000 >= Self.frequentBurstsPerMillisecond &* (now &- windowStart)
                idleSpins = frequent ? Self.idleSpins : Self.sparseIdleSpins
                (iterations, busyIterations, windowStart) = (0, 0, now)
            }
            if busy {
                idle = 0
                busyIterations &+= 1
                continue
            }
            idle += 1
            if paced {
                usleep(100)
            } else if pollable && idle >= idleSpins {
                sleep(streams, count: count, fds: fds)
                idle = 0
            }
        }
    }

    /// poll() on every rx port's descriptor and the wake eventfd, unless a port has packets already.
    private func sleep(_ streams: UnsafeMutablePointer<StreamSlot>, count: Int, fds: UnsafeMutablePointer<pollfd>) {
        var ready = true
        for i in 0..<count where !streams[i].receiver.prepareToSleep() { ready = false }
        if ready {
            sleeping.store(true, ordering: .releasing)
            _ = poll(fds, nfds_t(count + 1), Self.sleepMilliseconds)
            sleeping.store(false, ordering: .releasing)
        }
        for i in 0..<count { streams[i].receiver.awake() }
        var value: UInt64 = 0
        _ = Glibc.read(wake, &value, 8)
    }
}
