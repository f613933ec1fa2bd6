import Glibc

/// The back-end's side of the vhost-user protocol for one virtio-net device with `queuePairs` queue
/// pairs: negotiation, memory table, rings, eventfds, dirty log. Messages arrive on one thread; the
/// caller quiesces the data path before `handle` changes what it reads (`mutatesDataPath`).
final class VhostDevice: @unchecked Sendable {
    /// Queue pairs: queue 2n is pair n's receive queue (the guest's rx, FastPath transmits into it),
    /// 2n + 1 its transmit queue.
    let queuePairs: Int
    /// Virtqueues: two per pair.
    var queueCount: Int { 2 * queuePairs }

    private(set) var features: UInt64 = 0
    private(set) var protocolFeatures: UInt64 = 0
    private(set) var memory: GuestMemory?
    private(set) var log: DirtyLog?
    private(set) var mtu = 1500
    /// Dirty logs the front-end shared (one per migration that started while we ran).
    private(set) var logsShared = 0
    /// The queues, shared with the data path.
    let queues: UnsafeMutablePointer<VirtQueue>
    /// A MAC the front-end asked us to announce (SEND_RARP), until the port takes it.
    private var pendingAnnounce: EtherAddress?
    /// Called when a queue's kick descriptor changes (queue, old, new), so the port can watch it.
    var kickChanged: ((Int, Int32, Int32) -> Void)?

    init(queuePairs: Int = 1) {
        self.queuePairs = queuePairs
        queues = .allocate(capacity: 2 * queuePairs)
        queues.initialize(repeating: VirtQueue(), count: 2 * queuePairs)
    }

    /// Features offered: the multiqueue bit only with more than one pair.
    var offeredFeatures: UInt64 { VhostFeatures.backend | (queuePairs > 1 ? VhostFeatures.multiqueue : 0) }

    deinit {
        reset()
        queues.deinitialize(count: queueCount)
        queues.deallocate()
    }

    /// Header bytes in front of every frame in the rings.
    var headerLength: Int { features & (VhostFeatures.mergeableRxBuffers | VhostFeatures.version1) != 0 ? 12 : 10 }
    /// Whether rx frames may span buffers.
    var mergeable: Bool { features & VhostFeatures.mergeableRxBuffers != 0 }
    /// The log, while the front-end asked for logging.
    var activeLog: DirtyLog? { features & VhostFeatures.logAll != 0 ? log : nil }
    /// Whether the first pair's queues can move packets (the others join when the front-end enables them).
    var running: Bool { memory != nil && queues[0].usable && queues[1].usable }

    /// Forgets everything (the front-end went away or sent RESET_OWNER).
    func reset() {
        for i in 0..<queueCount {
            let q = queues[i]
            if q.kick >= 0 {
                kickChanged?(i, q.kick, -1)
                close(q.kick)
            }
            if q.call >= 0 { close(q.call) }
            queues[i] = VirtQueue()
        }
        memory = nil
        log = nil
        features = 0
        protocolFeatures = 0
    }

    /// The MAC to announce, once.
    func takeAnnouncement() -> EtherAddress? {
        defer { pendingAnnounce = nil }
        return pendingAnnounce
    }

    /// Whether handling `m` changes state the data path reads.
    static func mutatesDataPath(_ m: VhostMessage) -> Bool {
        switch m.request {
        case .getFeatures, .getProtocolFeatures, .getQueueNum, .setOwner, .setProtocolFeatures, .netSetMTU, .getMaxMemSlots: return false
        default: return true
        }
    }

    private func queue(_ index: Int) throws(VhostError) -> Int {
        guard index >= 0 && index < queueCount else {
            throw .malformed("queue \(index): this vhost-user port has \(queuePairs) queue pair(s) (queues 0 to \(queueCount - 1); more with queues=N)")
        }
        return index
    }

    /// The descriptor a kick/call message carries, or -1 with the no-fd flag; it is kept (not closed).
    private func takeFD(_ m: VhostMessage, payload: UInt64, keep: inout Int32) throws(VhostError) -> Int32 {
        if payload & (1 << 8) != 0 { return -1 }
        guard m.fds.count == 1 else { throw .malformed("request \(m.code) needs one descriptor, got \(m.fds.count)") }
        keep = m.fds[0]
        return m.fds[0]
    }

    /// Applies one message; returns the reply to send, if any. Every descriptor in `m` is closed here
    /// unless it became a queue's kick or call eventfd (memory and log mappings outlive theirs).
    func handle(_ m: VhostMessage) throws(VhostError) -> VhostMessage? {
        var kept: Int32 = -1
        defer { for fd in m.fds where fd != kept { close(fd) } }
        guard let request = m.request else { throw .malformed("unknown request \(m.code)") }
        switch request {
        case .getFeatures:
            return .reply(to: m.code, u64: offeredFeatures)
        case .setFeatures:
            let f = try m.u64()
            guard f & ~offeredFeatures == 0 else {
                throw .malformed("SET_FEATURES 0x\(String(f, radix: 16)) has bits FastPath did not offer (0x\(String(offeredFeatures, radix: 16)))")
            }
            features = f
            for i in 0..<queueCount { queues[i].eventIndex = f & VhostFeatures.eventIndex != 0 }
        case .getProtocolFeatures:
            return .reply(to: m.code, u64: VhostFeatures.backendProtocol)
        case .setProtocolFeatures:
            let f = try m.u64()
            guard f & ~VhostFeatures.backendProtocol == 0 else { throw .malformed("SET_PROTOCOL_FEATURES 0x\(String(f, radix: 16)) not offered") }
            protocolFeatures = f
        case .setOwner:
            break
        case .resetOwner:
            reset()
        case .getQueueNum:
            return .reply(to: m.code, u64: UInt64(queuePairs))
        case .getMaxMemSlots:
            return .reply(to: m.code, u64: 8)
        case .setMemTable:
            let table = try m.memoryRegions()
            let mapped = try GuestMemory(table)
            memory = mapped
            for i in 0..<queueCount where queues[i].address != nil && queues[i].started { try queues[i].translate(mapped) }
        case .setLogBase:
            let (size, offset) = try m.logBase()
            log = try DirtyLog(fd: m.fds[0], size: size, offset: offset)
            logsShared += 1
            return .reply(to: m.code, u64: 0)
        case .setLogFD:
            break
        case .setVringNum:
            let s = try m.vringState()
            let i = try queue(s.index)
            guard s.num > 0 && s.num <= 32768 && s.num & (s.num - 1) == 0 else {
                throw .malformed("queue \(i): size \(s.num) is not a power of two up to 32768")
            }
            guard !queues[i].started else { throw .outOfOrder("queue \(i): SET_VRING_NUM while the queue runs (stop it with GET_VRING_BASE first)") }
            // The rings' extent follows the size: translated again, or forgotten until they are.
            queues[i].size = Int(s.num)
            if let memory { try queues[i].translate(memory) } else { queues[i].forgetRings() }
        case .setVringAddr:
            let a = try m.vringAddress()
            let i = try queue(a.index)
            queues[i].address = a
            if let memory { try queues[i].translate(memory) }
        case .setVringBase:
            let s = try m.vringState()
            let i = try queue(s.index)
            guard s.num <= 0xFFFF else { throw .malformed("queue \(i): base \(s.num)") }
            queues[i].lastAvailable = UInt16(s.num)
            queues[i].usedIndex = UInt16(s.num)
            queues[i].publishedIndex = nil
        case .getVringBase:
            let s = try m.vringState()
            let i = try queue(s.index)
            queues[i].started = false
            if queues[i].kick >= 0 {
                kickChanged?(i, queues[i].kick, -1)
                close(queues[i].kick)
                queues[i].kick = -1
            }
            return .reply(to: m.code, index: UInt32(i), num: UInt32(queues[i].lastAvailable))
        case .setVringKick:
            let v = try m.u64()
            let i = try queue(Int(v & 0xFF))
            let fd = try takeFD(m, payload: v, keep: &kept)
            let old = queues[i].kick
            if old >= 0 { close(old) }
            queues[i].kick = fd
            kickChanged?(i, old, fd)
            guard let memory else { throw .outOfOrder("queue \(i) started before SET_MEM_TABLE") }
            try queues[i].translate(memory)
            // Split rings complete in order here: used entries resume where available ones do.
            queues[i].usedIndex = queues[i].lastAvailable
            queues[i].publishedIndex = nil
            queues[i].eventIndex = features & VhostFeatures.eventIndex != 0
            // Lcores poll: no kicks until one is about to sleep on this queue (a kick is a system call
            // in the front-end for every burst it sends).
            queues[i].setNotifications(false, log: nil)
            queues[i].started = true
            if protocolFeatures == 0 && features & VhostFeatures.protocolFeatures == 0 { queues[i].enabled = true }
        case .setVringCall:
            let v = try m.u64()
            let i = try queue(Int(v & 0xFF))
            let fd = try takeFD(m, payload: v, keep: &kept)
            if queues[i].call >= 0 { close(queues[i].call) }
            queues[i].call = fd
            // A call signalled on the old descriptor may never have been delivered. With EVENT_IDX the
            // front-end would wait for it forever (its used_event lies behind): signal the new one
            // now and on the next publish (a spurious interrupt costs a driver nothing).
            queues[i].publishedIndex = nil
            if queues[i].started { queues[i].signal() }
        case .setVringErr:
            let v = try m.u64()
            _ = try queue(Int(v & 0xFF))  // the error eventfd is not used: closed with the message
        case .setVringEnable:
            let s = try m.vringState()
            let i = try queue(s.index)
            queues[i].enabled = s.num != 0
        case .sendRARP:
            guard m.payload.count >= 6 else { throw .malformed("SEND_RARP payload of \(m.payload.count) bytes") }
            pendingAnnounce = m.payload.withUnsafeBytes { EtherAddress(at: $0.baseAddress!) }
        case .netSetMTU:
            let v = try m.u64()
            guard v >= 68 && v <= 65535 else { throw .malformed("NET_SET_MTU \(v)") }
            mtu = Int(v)
        }
        if m.needsReply && protocolFeatures & VhostFeatures.protocolReplyAck != 0 {
            return .reply(to: m.code, u64: 0)
        }
        return nil
    }
}
