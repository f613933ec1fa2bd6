import CFastPath
import Glibc

/// `virtio_user`: FastPath as the vhost-user front-end (what QEMU is to a back-end) — it owns the
/// rings, shares its packet pool and ring memory with the back-end through memfd, posts pool buffers
/// on the receive queues and hands transmitted packets over without copying them. With queues=N it
/// has N queue pairs (virtqueue 2n receives, 2n + 1 transmits), each driven by one stream. With
/// `path=/dev/vhost-net` (a character device) the back-end is the kernel's vhost-net over a TAP
/// interface instead (`VhostKernel`): the same rings, set up with ioctls.
public final class VirtioUserPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_virtio_user"
    public let devargs: String
    public var macAddress = EtherAddress.random()
    public let mtu = 1500
    /// The back-end's socket (or /dev/vhost-net).
    public let path: String
    /// The TAP interface of a vhost-kernel back-end.
    public var tapInterface: String? { kernel?.interface }
    /// Queue pairs.
    public let queueCount: Int
    static let ringSize = 256
    static let headerLength = 12
    /// Ring memory per virtqueue: descriptor table, available ring and used ring, a page each and more.
    static let queueBytes = 4096 * 4

    private let channel: VhostChannel?
    private let kernel: VhostKernel?
    private let pool: PacketPool
    private let ringFD: Int32
    private let ringMemory: UnsafeMutableRawPointer
    private let ringBytes: Int
    private let kicks: [Int32]
    private let calls: [Int32]
    /// Each pair's data-path state, in raw memory (no exclusivity checks or copy-on-write per packet).
    private let pairs: UnsafeMutablePointer<Pair>

    /// One queue pair's indices and the packets in flight per descriptor: receive buffers posted, and
    /// transmitted packets not yet completed.
    private struct Pair {
        var lastUsedRx: UInt16 = 0, lastUsedTx: UInt16 = 0
        var availableRx: UInt16 = 0, availableTx: UInt16 = 0
        var freeCount = VirtioUserPort.ringSize
        let postedRx: UnsafeMutablePointer<PacketRef?>
        let pendingTx: UnsafeMutablePointer<PacketRef?>
        let freeTx: UnsafeMutablePointer<UInt16>
        let completed: UnsafeMutablePointer<PacketRef>

        init() {
            postedRx = .allocate(capacity: VirtioUserPort.ringSize)
            postedRx.initialize(repeating: nil, count: VirtioUserPort.ringSize)
            pendingTx = .allocate(capacity: VirtioUserPort.ringSize)
            pendingTx.initialize(repeating: nil, count: VirtioUserPort.ringSize)
            completed = .allocate(capacity: VirtioUserPort.ringSize)
            freeTx = .allocate(capacity: VirtioUserPort.ringSize)
            for i in 0..<VirtioUserPort.ringSize { freeTx[i] = UInt16(VirtioUserPort.ringSize - 1 - i) }
        }

        /// Returns every buffer it holds to `pool` and frees its tables.
        func release(to pool: PacketPool) {
            for i in 0..<VirtioUserPort.ringSize {
                if let p = postedRx[i] { pool.giveOne(p) }
                if let p = pendingTx[i] { pool.giveOne(p) }
            }
            postedRx.deallocate()
            pendingTx.deallocate()
            completed.deallocate()
            freeTx.deallocate()
        }
    }
    private var started = false
    private var primed = false

    /// Connects to the back-end at `path` (a vhost-user socket, or vhost-net with the TAP interface
    /// `tap`) and sets up `queuePairs` queue pairs over `pool`'s memory.
    public init(deviceName: String, devargs: String, path: String, pool: PacketPool, queuePairs: Int = 1, tap: String = "tap%d") throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        self.path = path
        self.pool = pool
        queueCount = queuePairs
        if VhostKernel.isDevice(path) {
            do {
                kernel = try VhostKernel(path: path, tap: tap, queuePairs: queuePairs)
            } catch {
                throw .invalid("\(deviceName): vhost-kernel set-up with \(path) failed: \(error.description)")
            }
            channel = nil
        } else {
            switch try UnixAddress(path).connect() {
            case .success(let fd): channel = VhostChannel(fd: fd)
            case .failure(let e): throw .invalid("\(deviceName): cannot reach the vhost-user back-end at \(path): \(e.description)")
            }
            kernel = nil
        }
        ringBytes = Self.queueBytes * 2 * queuePairs
        let rfd = cfp_memfd("fastpath-rings")
        guard rfd >= 0, ftruncate(rfd, off_t(ringBytes)) == 0,
            let map = mmap(nil, ringBytes, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0), map != MAP_FAILED
        else {
            throw .system("\(deviceName): ring memory", errno)
        }
        ringFD = rfd
        ringMemory = map
        map.initializeMemory(as: UInt8.self, repeating: 0, count: ringBytes)
        kicks = (0..<2 * queuePairs).map { _ in cfp_eventfd() }
        calls = (0..<2 * queuePairs).map { _ in cfp_eventfd() }
        pairs = .allocate(capacity: queuePairs)
        for p in 0..<queuePairs { (pairs + p).initialize(to: Pair()) }
        do {
            if let kernel {
                let regions = [(address(pool.base), UInt64(pool.byteCount)), (address(ringMemory), UInt64(ringBytes))]
                try kernel.configure(
                    regions: regions, ringSize: Self.ringSize,
                    layout: { q in (self.address(self.descriptors(q)), self.address(self.used(q)), self.address(self.available(q))) },
                    kicks: kicks, calls: calls)
            } else if let channel {
                try handshake(channel)
            }
        } catch {
            kernel?.close()
            throw .invalid("\(deviceName): \(kernel == nil ? "vhost-user" : "vhost-kernel") set-up with \(path) failed: \(error.description)")
        }
    }

    deinit {
        munmap(ringMemory, ringBytes)
        Glibc.close(ringFD)
        for fd in kicks + calls { Glibc.close(fd) }
        for p in 0..<queueCount { pairs[p].release(to: pool) }
        pairs.deinitialize(count: queueCount)
        pairs.deallocate()
    }

    private func descriptors(_ q: Int) -> UnsafeMutableRawPointer { ringMemory + q * Self.queueBytes }
    private func available(_ q: Int) -> UnsafeMutableRawPointer { descriptors(q) + 4096 }
    private func used(_ q: Int) -> UnsafeMutableRawPointer { descriptors(q) + 4096 * 2 }
    private func address(_ p: UnsafeRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }

    private func handshake(_ channel: VhostChannel) throws(VhostError) {
        try channel.send(.setOwner)
        let offered = try channel.ask(.getFeatures)
        guard offered & VhostFeatures.version1 != 0 else { throw .outOfOrder("the back-end does not offer VIRTIO_F_VERSION_1") }
        var wanted = VhostFeatures.version1 | (offered & VhostFeatures.anyLayout)
        if queueCount > 1 {
            guard offered & VhostFeatures.multiqueue != 0 else { throw .outOfOrder("queues=\(queueCount), but the back-end does not offer VIRTIO_NET_F_MQ") }
            wanted |= VhostFeatures.multiqueue
        }
        if offered & VhostFeatures.protocolFeatures != 0 {
            wanted |= VhostFeatures.protocolFeatures
            let multiqueue = try channel.ask(.getProtocolFeatures) & VhostFeatures.protocolMultiqueue
            try channel.send(.setProtocolFeatures, payload: VhostChannel.u64(multiqueue))
            if queueCount > 1, multiqueue != 0 {
                let most = try channel.ask(.getQueueNum)
                guard most >= UInt64(queueCount) else { throw .outOfOrder("queues=\(queueCount), but the back-end has \(most) queue pair(s)") }
            }
        } else if queueCount > 1 {
            throw .outOfOrder("queues=\(queueCount) needs a back-end with protocol features (VHOST_USER_PROTOCOL_F_MQ)")
        }
        try channel.send(.setFeatures, payload: VhostChannel.u64(wanted))
        // Two regions: the packet pool and the rings; guest "physical" addresses are our own addresses.
        var table = [UInt8]()
        table += withUnsafeBytes(of: UInt32(2).littleEndian) { Array($0) } + [0, 0, 0, 0]
        for (base, size) in [(UnsafeRawPointer(pool.base), pool.byteCount), (UnsafeRawPointer(ringMemory), ringBytes)] {
            table += VhostChannel.u64(address(base)) + VhostChannel.u64(UInt64(size)) + VhostChannel.u64(address(base)) + VhostChannel.u64(0)
        }
        try channel.send(.setMemTable, payload: table, fds: [pool.memoryFD, ringFD])
        for q in 0..<2 * queueCount {
            try channel.send(.setVringNum, payload: VhostChannel.state(q, Self.ringSize))
            try channel.send(.setVringBase, payload: VhostChannel.state(q, 0))
            var addr = VhostChannel.u64(UInt64(q))  // index (u32) + flags (u32 = 0)
            addr +=
                VhostChannel.u64(address(descriptors(q))) + VhostChannel.u64(address(used(q))) + VhostChannel.u64(address(available(q))) + VhostChannel.u64(0)
            try channel.send(.setVringAddr, payload: addr)
            try channel.send(.setVringKick, payload: VhostChannel.u64(UInt64(q)), fds: [kicks[q]])
            try channel.send(.setVringCall, payload: VhostChannel.u64(UInt64(q)), fds: [calls[q]])
            if wanted & VhostFeatures.protocolFeatures != 0 { try channel.send(.setVringEnable, payload: VhostChannel.state(q, 1)) }
        }
    }

    public var linkUp: Bool { started }
    public var details: [String] { kernel.map { ["vhost-kernel back-end: \(path), TAP interface \($0.interface)"] } ?? [] }
    public var readinessDescriptor: Int32 { calls[0] }

    /// The descriptor an lcore forwarding queue pair `queue` sleeps on (the back-end's call on its receive queue).
    public func readinessDescriptor(queue: Int) -> Int32 { calls[2 * queue] }

    public func start() throws(FastPathError) {
        if !primed {
            // Post a receive buffer in every descriptor of every receive queue.
            var cache = PoolCache(pool: pool)
            for pair in 0..<queueCount {
                let d = descriptors(2 * pair), a = available(2 * pair), state = pairs + pair
                for i in 0..<Self.ringSize {
                    var p = pool.base.bindMemory(to: PacketMeta.self, capacity: 1)
                    guard cache.take(1, into: &p) == 1 else { throw .invalid("\(deviceName): the pool has no buffers to post") }
                    state.pointee.postedRx[i] = p
                    writeDescriptor(d, i, address: address(p.data), length: UInt32(PacketPool.dataRoom), flags: 2)
                    a.storeBytes(of: UInt16(i), toByteOffset: 4 + 2 * i, as: UInt16.self)
                }
                state.pointee.availableRx = UInt16(Self.ringSize)
                cfp_store_release_u16(a.advanced(by: 2).assumingMemoryBound(to: UInt16.self), state.pointee.availableRx)
                kick(2 * pair)
            }
            primed = true
        }
        started = true
    }

    public func stop() { started = false }

    public func close() {
        started = false
        channel?.shutdown()
        kernel?.close()
    }

    public func prepareToSleep() -> Bool { prepareToSleep(queue: 0) }

    public func awake() { awake(queue: 0) }

    /// Asks the back-end to signal pair `queue`'s receive queue; false when packets arrived meanwhile.
    public func prepareToSleep(queue: Int) -> Bool {
        let rx = 2 * queue
        available(rx).storeBytes(of: 0, as: UInt16.self)  // interrupts on: the back-end signals calls[rx]
        cfp_fence()
        if cfp_load_acquire_u16(used(rx).advanced(by: 2).assumingMemoryBound(to: UInt16.self)) != pairs[queue].lastUsedRx {
            available(rx).storeBytes(of: 1, as: UInt16.self)
            return false
        }
        return true
    }

    /// Back to polling pair `queue`.
    public func awake(queue: Int) {
        available(2 * queue).storeBytes(of: 1, as: UInt16.self)
        var value: UInt64 = 0
        _ = Glibc.read(calls[2 * queue], &value, 8)
    }

    @inline(__always) private func writeDescriptor(_ table: UnsafeMutableRawPointer, _ i: Int, address: UInt64, length: UInt32, flags: UInt16) {
        let d = table + 16 * i
        d.storeBytes(of: address, as: UInt64.self)
        d.storeBytes(of: length, toByteOffset: 8, as: UInt32.self)
        d.storeBytes(of: flags, toByteOffset: 12, as: UInt16.self)
        d.storeBytes(of: 0, toByteOffset: 14, as: UInt16.self)
    }

    @inline(__always) private func kick(_ q: Int) {
        cfp_fence()
        if used(q).loadUnaligned(as: UInt16.self) & 1 == 0 {
            var one: UInt64 = 1
            _ = Glibc.write(kicks[q], &one, 8)
        }
    }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        receive(queue: 0, burst, max: max, cache: &cache)
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        transmit(queue: 0, burst, count: count, cache: &cache)
    }

    /// Receives what the back-end put in pair `queue`'s receive queue, reposting a fresh buffer for each.
    public func receive(queue: Int, _ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        guard started else { return 0 }
        let u = used(2 * queue), d = descriptors(2 * queue), a = available(2 * queue), r = pairs + queue
        let end = cfp_load_acquire_u16(u.advanced(by: 2).assumingMemoryBound(to: UInt16.self))
        var n = 0
        while r.pointee.lastUsedRx != end && n < max {
            let slot = Int(r.pointee.lastUsedRx & UInt16(Self.ringSize - 1))
            let id = Int(u.loadUnaligned(fromByteOffset: 4 + 8 * slot, as: UInt32.self)) & (Self.ringSize - 1)
            let length = Int(u.loadUnaligned(fromByteOffset: 8 + 8 * slot, as: UInt32.self))
            r.pointee.lastUsedRx &+= 1
            guard let p = r.pointee.postedRx[id] else { continue }
            // Replace the buffer in that descriptor before handing this one out.
            var fresh = p
            guard cache.take(1, into: &fresh) == 1 else {
                // No buffer to repost: recycle this one and drop its packet.
                repost(id, p, d, a, r)
                continue
            }
            r.pointee.postedRx[id] = fresh
            repost(id, fresh, d, a, r)
            p.pointee.offset += UInt32(Self.headerLength)
            p.length = Swift.max(0, Swift.min(length, PacketPool.dataRoom) - Self.headerLength)
            burst[n] = p
            n += 1
        }
        if n > 0 {
            cfp_store_release_u16(a.advanced(by: 2).assumingMemoryBound(to: UInt16.self), r.pointee.availableRx)
            kick(2 * queue)
        }
        return n
    }

    @inline(__always) private func repost(
        _ id: Int, _ p: PacketRef, _ d: UnsafeMutableRawPointer, _ a: UnsafeMutableRawPointer,
        _ r: UnsafeMutablePointer<Pair>
    ) {
        writeDescriptor(d, id, address: address(p.data), length: UInt32(PacketPool.dataRoom), flags: 2)
        a.storeBytes(of: UInt16(id), toByteOffset: 4 + 2 * Int(r.pointee.availableRx & UInt16(Self.ringSize - 1)), as: UInt16.self)
        r.pointee.availableRx &+= 1
    }

    /// Hands packets to pair `queue`'s transmit queue (no copy: the back-end reads them from the pool),
    /// after taking back the buffers of transmissions it completed.
    public func transmit(queue: Int, _ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started else { return 0 }
        let tx = 2 * queue + 1
        let u = used(tx), d = descriptors(tx), a = available(tx)
        let r = pairs + queue
        // Completed transmissions give their buffers back, in one bulk return.
        let end = cfp_load_acquire_u16(u.advanced(by: 2).assumingMemoryBound(to: UInt16.self))
        var done = 0
        while r.pointee.lastUsedTx != end {
            let slot = Int(r.pointee.lastUsedTx & UInt16(Self.ringSize - 1))
            let id = Int(u.loadUnaligned(fromByteOffset: 4 + 8 * slot, as: UInt32.self)) & (Self.ringSize - 1)
            r.pointee.lastUsedTx &+= 1
            if let p = r.pointee.pendingTx[id] {
                r.pointee.completed[done] = p
                done += 1
                r.pointee.pendingTx[id] = nil
                r.pointee.freeTx[r.pointee.freeCount] = UInt16(id)
                r.pointee.freeCount += 1
            }
        }
        var given = 0
        while given < done {
            let k = Swift.min(256, done - given)
            cache.give(k, from: r.pointee.completed + given)
            given += k
        }
        let n = Swift.min(count, r.pointee.freeCount)
        var available = r.pointee.availableTx
        for i in 0..<n {
            let p = burst[i]
            r.pointee.freeCount -= 1
            let id = Int(r.pointee.freeTx[r.pointee.freeCount])
            r.pointee.pendingTx[id] = p
            // The 12-byte virtio-net header goes in the headroom, in front of the frame.
            let header = p.data - Self.headerLength
            header.storeBytes(of: UInt64(0), as: UInt64.self)
            header.storeBytes(of: UInt32(0), toByteOffset: 8, as: UInt32.self)
            writeDescriptor(d, id, address: address(header), length: UInt32(p.length + Self.headerLength), flags: 0)
            a.storeBytes(of: UInt16(id), toByteOffset: 4 + 2 * Int(available & UInt16(Self.ringSize - 1)), as: UInt16.self)
            available &+= 1
        }
        if n > 0 {
            r.pointee.availableTx = available
            cfp_store_release_u16(a.advanced(by: 2).assumingMemoryBound(to: UInt16.self), available)
            kick(tx)
        }
        return n
    }
}
