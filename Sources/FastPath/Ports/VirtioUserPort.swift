import CFastPath
import Glibc

/// `virtio_user`: FastPath as the vhost-user front-end (what QEMU is to a back-end) — it owns the
/// rings, shares its packet pool and ring memory with the back-end through memfd, posts pool buffers
/// on the receive queue and hands transmitted packets over without copying them.
public final class VirtioUserPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_virtio_user"
    public let devargs: String
    public var macAddress = EtherAddress.random()
    public let mtu = 1500
    /// The back-end's socket.
    public let path: String
    static let ringSize = 256
    static let headerLength = 12

    private let channel: VhostChannel
    private let pool: PacketPool
    private let ringFD: Int32
    private let ringMemory: UnsafeMutableRawPointer
    private let ringBytes: Int
    private let kicks: [Int32]
    private let calls: [Int32]
    /// Packets in flight per descriptor: receive buffers posted, and transmitted packets not yet completed.
    private let postedRx: UnsafeMutablePointer<PacketRef?>
    private let pendingTx: UnsafeMutablePointer<PacketRef?>
    /// The data path's indices, in raw memory (no exclusivity checks or copy-on-write per packet).
    private let ring: UnsafeMutablePointer<RingIndices>
    private let freeTx: UnsafeMutablePointer<UInt16>
    private let completed: UnsafeMutablePointer<PacketRef>

    private struct RingIndices {
        var lastUsedRx: UInt16 = 0, lastUsedTx: UInt16 = 0
        var availableRx: UInt16 = 0, availableTx: UInt16 = 0
        var freeTx = 0
    }
    private var started = false
    private var primed = false

    /// Connects to the back-end at `path` and sets up both queues over `pool`'s memory.
    public init(deviceName: String, devargs: String, path: String, pool: PacketPool) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        self.path = path
        self.pool = pool
        let fd: Int32
        switch try UnixAddress(path).connect() {
        case .success(let c): fd = c
        case .failure(let e): throw .invalid("\(deviceName): cannot reach the vhost-user back-end at \(path): \(e.description)")
        }
        channel = VhostChannel(fd: fd)
        // Ring memory: per queue a descriptor table, an available ring and a used ring, page-aligned.
        let perQueue = 4096 * 4
        ringBytes = perQueue * 2
        let rfd = cfp_memfd("fastpath-rings")
        guard rfd >= 0, ftruncate(rfd, off_t(ringBytes)) == 0,
              let map = mmap(nil, ringBytes, PROT_READ | PROT_WRITE, MAP_SHARED, rfd, 0), map != MAP_FAILED else {
            throw .system("\(deviceName): ring memory", errno)
        }
        ringFD = rfd
        ringMemory = map
        map.initializeMemory(as: UInt8.self, repeating: 0, count: ringBytes)
        kicks = [cfp_eventfd(), cfp_eventfd()]
        calls = [cfp_eventfd(), cfp_eventfd()]
        postedRx = .allocate(capacity: Self.ringSize)
        postedRx.initialize(repeating: nil, count: Self.ringSize)
        pendingTx = .allocate(capacity: Self.ringSize)
        pendingTx.initialize(repeating: nil, count: Self.ringSize)
        completed = .allocate(capacity: Self.ringSize)
        ring = .allocate(capacity: 1)
        ring.initialize(to: RingIndices())
        freeTx = .allocate(capacity: Self.ringSize)
        for i in 0..<Self.ringSize { freeTx[i] = UInt16(Self.ringSize - 1 - i) }
        ring.pointee.freeTx = Self.ringSize
        do {
            try handshake()
        } catch {
            throw .invalid("\(deviceName): vhost-user set-up with \(path) failed: \(error.description)")
        }
    }

    deinit {
        munmap(ringMemory, ringBytes)
        Glibc.close(ringFD)
        for fd in kicks + calls { Glibc.close(fd) }
        for i in 0..<Self.ringSize {
            if let p = postedRx[i] { pool.giveOne(p) }
            if let p = pendingTx[i] { pool.giveOne(p) }
        }
        postedRx.deallocate()
        pendingTx.deallocate()
        completed.deallocate()
        ring.deallocate()
        freeTx.deallocate()
    }

    private func descriptors(_ q: Int) -> UnsafeMutableRawPointer { ringMemory + q * 4096 * 4 }
    private func available(_ q: Int) -> UnsafeMutableRawPointer { descriptors(q) + 4096 }
    private func used(_ q: Int) -> UnsafeMutableRawPointer { descriptors(q) + 4096 * 2 }
    private func address(_ p: UnsafeRawPointer) -> UInt64 { UInt64(UInt(bitPattern: p)) }

    private func handshake() throws(VhostError) {
        try channel.send(.setOwner)
        let offered = try channel.ask(.getFeatures)
        guard offered & VhostFeatures.version1 != 0 else { throw .outOfOrder("the back-end does not offer VIRTIO_F_VERSION_1") }
        var wanted = VhostFeatures.version1 | (offered & VhostFeatures.anyLayout)
        if offered & VhostFeatures.protocolFeatures != 0 {
            wanted |= VhostFeatures.protocolFeatures
            _ = try channel.ask(.getProtocolFeatures)
            try channel.send(.setProtocolFeatures, payload: VhostChannel.u64(0))
        }
        try channel.send(.setFeatures, payload: VhostChannel.u64(wanted))
        // Two regions: the packet pool and the rings; guest "physical" addresses are our own addresses.
        var table = [UInt8]()
        table += withUnsafeBytes(of: UInt32(2).littleEndian) { Array($0) } + [0, 0, 0, 0]
        for (base, size) in [(UnsafeRawPointer(pool.base), pool.byteCount), (UnsafeRawPointer(ringMemory), ringBytes)] {
            table += VhostChannel.u64(address(base)) + VhostChannel.u64(UInt64(size)) + VhostChannel.u64(address(base)) + VhostChannel.u64(0)
        }
        try channel.send(.setMemTable, payload: table, fds: [pool.memoryFD, ringFD])
        for q in 0..<2 {
            try channel.send(.setVringNum, payload: VhostChannel.state(q, Self.ringSize))
            try channel.send(.setVringBase, payload: VhostChannel.state(q, 0))
            var addr = VhostChannel.u64(UInt64(q))  // index (u32) + flags (u32 = 0)
            addr += VhostChannel.u64(address(descriptors(q))) + VhostChannel.u64(address(used(q))) + VhostChannel.u64(address(available(q))) + VhostChannel.u64(0)
            try channel.send(.setVringAddr, payload: addr)
            try channel.send(.setVringKick, payload: VhostChannel.u64(UInt64(q)), fds: [kicks[q]])
            try channel.send(.setVringCall, payload: VhostChannel.u64(UInt64(q)), fds: [calls[q]])
            if wanted & VhostFeatures.protocolFeatures != 0 { try channel.send(.setVringEnable, payload: VhostChannel.state(q, 1)) }
        }
    }

    public var linkUp: Bool { started }
    public var readinessDescriptor: Int32 { calls[0] }

    public func start() throws(FastPathError) {
        if !primed {
            // Post a receive buffer in every descriptor of queue 0.
            var cache = PoolCache(pool: pool)
            let d = descriptors(0), a = available(0)
            for i in 0..<Self.ringSize {
                var p = pool.base.bindMemory(to: PacketMeta.self, capacity: 1)
                guard cache.take(1, into: &p) == 1 else { throw .invalid("\(deviceName): the pool has no buffers to post") }
                postedRx[i] = p
                writeDescriptor(d, i, address: address(p.data), length: UInt32(PacketPool.dataRoom), flags: 2)
                a.storeBytes(of: UInt16(i), toByteOffset: 4 + 2 * i, as: UInt16.self)
            }
            ring.pointee.availableRx = UInt16(Self.ringSize)
            cfp_store_release_u16(a.advanced(by: 2).assumingMemoryBound(to: UInt16.self), ring.pointee.availableRx)
            kick(0)
            primed = true
        }
        started = true
    }

    public func stop() { started = false }

    public func close() {
        started = false
        channel.shutdown()
    }

    public func prepareToSleep() -> Bool {
        available(0).storeBytes(of: 0, as: UInt16.self)  // interrupts on: the back-end signals calls[0]
        cfp_fence()
        if cfp_load_acquire_u16(used(0).advanced(by: 2).assumingMemoryBound(to: UInt16.self)) != ring.pointee.lastUsedRx {
            available(0).storeBytes(of: 1, as: UInt16.self)
            return false
        }
        return true
    }

    public func awake() {
        available(0).storeBytes(of: 1, as: UInt16.self)
        var value: UInt64 = 0
        _ = Glibc.read(calls[0], &value, 8)
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
        guard started else { return 0 }
        let u = used(0), d = descriptors(0), a = available(0)
        let end = cfp_load_acquire_u16(u.advanced(by: 2).assumingMemoryBound(to: UInt16.self))
        var n = 0
        while ring.pointee.lastUsedRx != end && n < max {
            let slot = Int(ring.pointee.lastUsedRx & UInt16(Self.ringSize - 1))
            let id = Int(u.loadUnaligned(fromByteOffset: 4 + 8 * slot, as: UInt32.self)) & (Self.ringSize - 1)
            let length = Int(u.loadUnaligned(fromByteOffset: 8 + 8 * slot, as: UInt32.self))
            ring.pointee.lastUsedRx &+= 1
            guard let p = postedRx[id] else { continue }
            // Replace the buffer in that descriptor before handing this one out.
            var fresh = p
            guard cache.take(1, into: &fresh) == 1 else {
                // No buffer to repost: recycle this one and drop its packet.
                repost(id, p, d, a)
                continue
            }
            postedRx[id] = fresh
            repost(id, fresh, d, a)
            p.pointee.offset += UInt32(Self.headerLength)
            p.length = Swift.max(0, Swift.min(length, PacketPool.dataRoom) - Self.headerLength)
            burst[n] = p
            n += 1
        }
        if n > 0 {
            cfp_store_release_u16(a.advanced(by: 2).assumingMemoryBound(to: UInt16.self), ring.pointee.availableRx)
            kick(0)
        }
        return n
    }

    @inline(__always) private func repost(_ id: Int, _ p: PacketRef, _ d: UnsafeMutableRawPointer, _ a: UnsafeMutableRawPointer) {
        writeDescriptor(d, id, address: address(p.data), length: UInt32(PacketPool.dataRoom), flags: 2)
        a.storeBytes(of: UInt16(id), toByteOffset: 4 + 2 * Int(ring.pointee.availableRx & UInt16(Self.ringSize - 1)), as: UInt16.self)
        ring.pointee.availableRx &+= 1
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started else { return 0 }
        let u = used(1), d = descriptors(1), a = available(1)
        let r = ring
        // Completed transmissions give their buffers back, in one bulk return.
        let end = cfp_load_acquire_u16(u.advanced(by: 2).assumingMemoryBound(to: UInt16.self))
        var done = 0
        while r.pointee.lastUsedTx != end {
            let slot = Int(r.pointee.lastUsedTx & UInt16(Self.ringSize - 1))
            let id = Int(u.loadUnaligned(fromByteOffset: 4 + 8 * slot, as: UInt32.self)) & (Self.ringSize - 1)
            r.pointee.lastUsedTx &+= 1
            if let p = pendingTx[id] {
                completed[done] = p
                done += 1
                pendingTx[id] = nil
                freeTx[r.pointee.freeTx] = UInt16(id)
                r.pointee.freeTx += 1
            }
        }
        var given = 0
        while given < done {
            let k = Swift.min(256, done - given)
            cache.give(k, from: completed + given)
            given += k
        }
        let n = Swift.min(count, r.pointee.freeTx)
        var available = r.pointee.availableTx
        for i in 0..<n {
            let p = burst[i]
            r.pointee.freeTx -= 1
            let id = Int(freeTx[r.pointee.freeTx])
            pendingTx[id] = p
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
            kick(1)
        }
        return n
    }
}
