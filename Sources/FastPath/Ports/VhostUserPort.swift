import CFastPath
import Foundation
import Glibc
import Synchronization

/// `net_vhost`: FastPath as a vhost-user back-end — QEMU's virtio-net (or DPDK's virtio_user, or
/// another FastPath) is the front-end. Server mode listens on `iface=` (client=1 connects to it, and
/// reconnects when the front-end restarts). A message thread runs the protocol; the data path is
/// gated: before a message changes what the lcores read, the port stops admitting them and waits
/// until none is inside. With queues=N it has N queue pairs; an lcore forwarding queue n sleeps on
/// that pair's kicks only.
public final class VhostUserPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_vhost"
    public let devargs: String
    public var macAddress = EtherAddress.random()
    /// The socket path.
    public let path: String
    /// Whether FastPath connects (client) or listens (server).
    public let client: Bool
    private let device: VhostDevice
    /// The device's queues (the same memory), reached without touching the device object per burst.
    private let queues: UnsafeMutablePointer<VirtQueue>
    /// The data path's gate: false while a message changes what the lcores read.
    private let ready = Atomic<Bool>(false)
    /// Whether the device runs (memory and pair 0 set up), untouched by the gate's brief closings.
    private let running = Atomic<Bool>(false)
    private let inside = Atomic<Int>(0)
    private let connected = Atomic<Bool>(false)
    /// RARPs the data path sent for a migrated guest (SEND_RARP), for `show port info` and tests.
    private let announcements = Atomic<Int>(0)
    private let stopping = Atomic<Bool>(false)
    private var listener: Int32 = -1
    /// The front-end's socket while one is connected, else -1 (closing shuts it down from another thread).
    private let connection = Mutex<Int32>(-1)
    private let watches: [Int32]  // per queue pair, an epoll set holding its queues' kick eventfds
    private var started = false
    /// What the data path needs of the device, copied while it is quiesced (no class property reads,
    /// no reference counting per burst). The device holds the memory and log alive.
    private let snapshot: UnsafeMutablePointer<Snapshot>

    private struct Snapshot {
        var memory: GuestMemoryView?
        var log: DirtyLogView?
        var header = 12
        var mergeable = false
        /// A RARP to send for a migrated guest (SEND_RARP); the data path clears it once sent.
        var announce: EtherAddress?
    }
    private var thread: Thread?
    /// The last protocol error, for `show port info` and tests.
    public private(set) var lastError: String?

    /// Creates the port and starts listening (server) or connecting (client).
    public init(deviceName: String, devargs: String, path: String, client: Bool, queuePairs: Int = 1) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        self.path = path
        self.client = client
        device = VhostDevice(queuePairs: queuePairs)
        queues = device.queues
        snapshot = .allocate(capacity: 1)
        snapshot.initialize(to: Snapshot())
        let watches = (0..<queuePairs).map { _ in cfp_epoll_create() }
        if let failed = watches.first(where: { $0 < 0 }) {
            for w in watches where w >= 0 { Glibc.close(w) }
            throw .system("epoll_create1", -failed)
        }
        self.watches = watches
        if !client {
            do { listener = try UnixAddress(path).listen() } catch {
                for w in watches { Glibc.close(w) }
                throw error
            }
            chmod(path, 0o660)
        }
        device.kickChanged = { [watches] queue, old, new in
            let watch = watches[queue / 2]
            if old >= 0 { _ = cfp_epoll_watch(watch, old, 0) }
            if new >= 0 { _ = cfp_epoll_watch(watch, new, 1) }
        }
        let t = Thread { [self] in serve() }
        t.name = "vhost \(deviceName)"
        thread = t
        t.start()
    }

    deinit {
        close()
        for w in watches { Glibc.close(w) }
        snapshot.deallocate()
    }

    public let mtu = 1500
    public var details: [String] {
        [
            "vhost-user: \(client ? "client of" : "server on") \(path), \(connected.load(ordering: .acquiring) ? "connected" : "waiting for the front-end")",
            "Dirty page log: shared \(device.logsShared) time(s)\(device.activeLog != nil ? ", logging now" : "")",
            "Migration announcements (RARP) sent: \(announcements.load(ordering: .relaxed))",
            "Negotiated features: \(VhostFeatures.names(device.features).joined(separator: " "))",
        ]
            + (lastError.map { ["Last protocol error: \($0)"] } ?? [])
    }
    public var linkUp: Bool { started && connected.load(ordering: .acquiring) && running.load(ordering: .acquiring) }
    public var readinessDescriptor: Int32 { watches[0] }
    public var queueCount: Int { device.queuePairs }

    /// The descriptor an lcore forwarding queue pair `queue` sleeps on.
    public func readinessDescriptor(queue: Int) -> Int32 { watches[queue] }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }

    public func close() {
        guard !stopping.exchange(true, ordering: .acquiringAndReleasing) else { return }
        connection.withLock { fd in
            if listener >= 0 { shutdown(listener, Int32(SHUT_RDWR)) }
            if fd >= 0 { shutdown(fd, Int32(SHUT_RDWR)) }
        }
        while thread?.isFinished == false { usleep(1000) }
        if !client { unlink(path) }
        if listener >= 0 { Glibc.close(listener) }
    }

    // MARK: data path

    @inline(__always) private func enter() -> Bool {
        guard ready.load(ordering: .acquiring) else { return false }
        inside.wrappingAdd(1, ordering: .sequentiallyConsistent)
        if ready.load(ordering: .sequentiallyConsistent) { return true }
        inside.wrappingSubtract(1, ordering: .releasing)
        return false
    }

    @inline(__always) private func leave() { inside.wrappingSubtract(1, ordering: .releasing) }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        receive(queue: 0, burst, max: max, cache: &cache)
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        transmit(queue: 0, burst, count: count, cache: &cache)
    }

    /// Receives what the front-end transmitted on queue pair `queue`.
    public func receive(queue: Int, _ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        guard started, enter() else { return 0 }
        defer { leave() }
        let state = snapshot.pointee
        guard let memory = state.memory else { return 0 }
        var n = 0
        if queue == 0, let mac = state.announce, cache.take(1, into: burst) == 1 {
            snapshot.pointee.announce = nil
            announcements.wrappingAdd(1, ordering: .relaxed)
            burst[0].length = Self.rarp(from: mac, into: burst[0].data)
            n = 1
        }
        let q = queues + (2 * queue + 1)
        guard q.pointee.usable else { return n }
        return n + q.pointee.dequeue(into: burst + n, max: max - n, header: state.header, memory: memory, log: state.log, cache: &cache)
    }

    /// Transmits into the front-end's receive queue of pair `queue`.
    public func transmit(queue: Int, _ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started, enter() else { return 0 }
        defer { leave() }
        let state = snapshot.pointee
        let q = queues + 2 * queue
        guard let memory = state.memory, q.pointee.usable else { return 0 }
        return q.pointee.enqueue(
            burst, count: count, header: state.header, mergeable: state.mergeable, memory: memory,
            log: state.log, cache: &cache)
    }

    public func prepareToSleep() -> Bool { prepareToSleep(queue: 0) }

    public func awake() { awake(queue: 0) }

    /// Asks the front-end to kick pair `queue`'s transmit queue; false when packets arrived meanwhile.
    public func prepareToSleep(queue: Int) -> Bool {
        guard enter() else { return true }
        defer { leave() }
        let q = queues + (2 * queue + 1)
        guard q.pointee.usable else { return true }
        q.pointee.setNotifications(true, log: snapshot.pointee.log)
        if q.pointee.hasAvailable {
            q.pointee.setNotifications(false, log: snapshot.pointee.log)
            return false
        }
        return true
    }

    /// Back to polling pair `queue`: no more kicks, and the pending one consumed.
    public func awake(queue: Int) {
        guard enter() else { return }
        defer { leave() }
        let q = queues + (2 * queue + 1)
        if q.pointee.usable { q.pointee.setNotifications(false, log: snapshot.pointee.log) }
        for kick in [q.pointee.kick, (queues + 2 * queue).pointee.kick] where kick >= 0 { _ = cfp_eventfd_take(kick) }
    }

    /// A RARP announcement from `mac` (what QEMU's self-announce sends), 60 bytes.
    static func rarp(from mac: EtherAddress, into frame: UnsafeMutableRawPointer) -> Int {
        frame.initializeMemory(as: UInt8.self, repeating: 0, count: 60)
        EtherAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF).store(to: frame)
        mac.store(to: frame + 6)
        frame.storeBytes(of: UInt16(0x8035).bigEndian, toByteOffset: 12, as: UInt16.self)
        let words: [UInt16] = [1, 0x0800, 0x0604, 3]  // Ethernet, IPv4, 6/4-byte addresses, reverse request
        for (i, w) in words.enumerated() { frame.storeBytes(of: w.bigEndian, toByteOffset: 14 + 2 * i, as: UInt16.self) }
        mac.store(to: frame + 22)
        mac.store(to: frame + 32)
        return 60
    }

    // MARK: protocol thread

    /// Stops admitting the data path and waits until no lcore is inside.
    private func quiesce() {
        ready.store(false, ordering: .sequentiallyConsistent)
        while inside.load(ordering: .sequentiallyConsistent) != 0 { sched_yield() }
    }

    private func serve() {
        while !stopping.load(ordering: .acquiring) {
            let fd: Int32
            if client {
                guard case .success(let c) = (try? UnixAddress(path))?.connect() ?? .failure(.invalid("bad path")) else {
                    usleep(200_000)
                    continue
                }
                fd = c
            } else {
                fd = accept(listener, nil, nil)
                if fd < 0 {
                    if errno == EINTR { continue }
                    return
                }
            }
            connection.withLock { $0 = fd }
            connected.store(true, ordering: .releasing)
            converse(fd)
            connected.store(false, ordering: .releasing)
            running.store(false, ordering: .releasing)
            quiesce()
            device.reset()
            snapshot.pointee = Snapshot()
            connection.withLock { $0 = -1 }
            Glibc.close(fd)
        }
    }

    private func converse(_ fd: Int32) {
        var header = [UInt8](repeating: 0, count: VhostMessage.headerSize)
        var fds = [Int32](repeating: -1, count: 16)
        while !stopping.load(ordering: .acquiring) {
            var nfds: Int32 = 0
            let n = header.withUnsafeMutableBytes { cfp_recv_with_fds(fd, $0.baseAddress!, UInt($0.count), &fds, 16, &nfds) }
            var passed = Array(fds.prefix(Int(nfds)))
            defer { for f in passed { Glibc.close(f) } }  // until a message takes them over
            guard n == VhostMessage.headerSize else {
                if n > 0 { lastError = "short vhost-user header (\(n) bytes)" }
                return
            }
            do {
                let (code, flags, size) = try header.withUnsafeBytes { raw throws(VhostError) in try VhostMessage.header(raw) }
                var payload = [UInt8](repeating: 0, count: size)
                guard readExactly(fd, &payload) else { return }
                let message = VhostMessage(code: code, flags: flags, payload: payload, fds: passed)
                passed = []  // handle() owns them now
                let mutates = VhostDevice.mutatesDataPath(message)
                if mutates { quiesce() }
                let reply = try device.handle(message)
                if mutates {
                    snapshot.pointee = Snapshot(
                        memory: device.memory?.view, log: device.activeLog?.view, header: device.headerLength,
                        mergeable: device.mergeable, announce: device.takeAnnouncement() ?? snapshot.pointee.announce)
                    running.store(device.running, ordering: .releasing)
                    if device.running { ready.store(true, ordering: .releasing) }
                }
                if let reply {
                    let bytes = reply.bytes
                    guard bytes.withUnsafeBytes({ cfp_send_with_fds(fd, $0.baseAddress!, UInt($0.count), nil, 0) }) == bytes.count else { return }
                }
            } catch {
                let error = (error as? VhostError) ?? .malformed("\(error)")
                lastError = error.description
                FileHandle.standardError.write(Data("\(deviceName): \(error.description); closing the connection\n".utf8))
                return
            }
        }
    }

    private func readExactly(_ fd: Int32, _ buffer: inout [UInt8]) -> Bool {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}
