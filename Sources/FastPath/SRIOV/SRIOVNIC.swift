import CFastPath
import Foundation
import Synchronization

/// An emulated SR-IOV NIC (82599 or X710): a PF and its VFs behind an embedded switch, on a thread of
/// its own that runs whether or not anyone forwards — it is the hardware. The wire is the lab's
/// interface (`uplink`); each VF is the kernel interface a VF user sits behind (the tap of the
/// emulated e1000 a guest has as its VF), opened when it appears and again after it went away (a
/// hot-unplugged VF); the PF is either the rings its DPDK port (`SRIOVPort`) reads and writes, or — a
/// kernel PF, as with the ixgbe and i40e drivers — a TAP interface with the PF's name, which then takes
/// only its own, broadcast and multicast frames from the wire (an ixgbe PF with VFs is not unicast
/// promiscuous). Every frame is a copy through one buffer; the switch's decisions are
/// `EmbeddedSwitch`'s, under a lock the PF's VFd commands take too.
final class SRIOVNIC: @unchecked Sendable {
    let model: NICModel
    /// The wire's interface and each VF's.
    let uplink: String
    let vfInterfaces: [String]
    /// Frames for the PF (the NIC produces, the PF port consumes) and from it.
    let toPF: PacketRing
    let fromPF: PacketRing
    private let pool: PacketPool
    private let state: Mutex<EmbeddedSwitch>
    private let running = Atomic<Bool>(true)
    private let done = DispatchSemaphore(value: 0)
    /// The NIC thread's own: the wire's socket and each VF's (-1 while its interface is missing).
    private var uplinkSocket: Int32 = -1
    private var vfSockets: [Int32]
    /// A kernel PF's TAP (-1: the PF is the rings).
    private var pfTap: Int32 = -1
    private let buffer: UnsafeMutableRawPointer
    private let copy: UnsafeMutableRawPointer
    private static let room = 2048 + 8

    /// Opens the wire (which must exist) and starts the NIC; VF interfaces may come later. The PF takes
    /// the wire's address, VF K `vfMACs[K]` or, as a PF driver makes them, the PF's with its last byte
    /// moved on by K + 1 (locally administered). With `kernelPF`, the PF is a TAP interface of that name.
    init(
        model: NICModel, uplink: String, vfInterfaces: [String], vfMACs: [Int: EtherAddress] = [:], kernelPF: String? = nil, pool: PacketPool
    ) throws(FastPathError) {
        var wire = [UInt8](repeating: 0, count: 6)
        let r = cfp_if_mac(uplink, &wire)
        guard r == 0 else { throw .system("emulated SR-IOV NIC: its wire \(uplink)", -r) }
        let pfAddress = EtherAddress(wire[0], wire[1], wire[2], wire[3], wire[4], wire[5])
        let macs = vfInterfaces.indices.map { k in
            vfMACs[k] ?? EtherAddress(wire[0] | 0x02, wire[1], wire[2], wire[3], wire[4], wire[5] &+ UInt8(truncatingIfNeeded: k + 1))
        }
        self.model = model
        self.uplink = uplink
        self.vfInterfaces = vfInterfaces
        self.pool = pool
        toPF = try PacketRing(capacity: 1024)
        fromPF = try PacketRing(capacity: 1024)
        var fabric = EmbeddedSwitch(vfMACs: macs, pfAddress: pfAddress)
        vfSockets = Array(repeating: -1, count: vfInterfaces.count)
        let s = cfp_raw_open(uplink)
        guard s >= 0 else { throw .system("emulated SR-IOV NIC: its wire \(uplink)", -s) }
        uplinkSocket = s
        _ = cfp_if_up(uplink, 1)
        if let kernelPF {
            var actual = [CChar](repeating: 0, count: 16)
            let t = cfp_tap_open(kernelPF, &actual)
            guard t >= 0 else {
                Glibc.close(s)
                throw .system("emulated SR-IOV NIC: its PF \(kernelPF)", -t)
            }
            pfTap = t
            var mac = withUnsafeBytes(of: pfAddress.bytes) { Array($0) }
            _ = cfp_if_set_mac(kernelPF, &mac)
            fabric.pfPromiscuous = false
        }
        state = Mutex(fabric)
        buffer = .allocate(byteCount: Self.room, alignment: 64)
        copy = .allocate(byteCount: Self.room, alignment: 64)
        Thread.detachNewThread { [self] in
            run()
            done.signal()
        }
    }

    deinit {
        buffer.deallocate()
        copy.deallocate()
    }

    /// Runs `body` on the switch under its lock (the PF driver's access).
    func withSwitch<T, E: Error>(_ body: (inout EmbeddedSwitch) throws(E) -> T) throws(E) -> T {
        try state.withLock { (s: inout EmbeddedSwitch) throws(E) -> T in try body(&s) }
    }

    /// Stops the thread and closes the wires; frames still queued for the PF go back to the pool.
    func close() {
        guard running.exchange(false, ordering: .acquiringAndReleasing) else { return }
        var one: UInt64 = 1
        _ = Glibc.write(fromPF.eventDescriptor, &one, 8)
        done.wait()
        for fd in [uplinkSocket, pfTap] + vfSockets where fd >= 0 { Glibc.close(fd) }
        var p = pool.base.bindMemory(to: PacketMeta.self, capacity: 1)
        while toPF.dequeue(&p, max: 1) == 1 { pool.giveOne(p) }
        while fromPF.dequeue(&p, max: 1) == 1 { pool.giveOne(p) }
    }

    private func run() {
        var cache = PoolCache(pool: pool)
        var lastScan: UInt64 = 0
        var fds = [pollfd]()
        while running.load(ordering: .acquiring) {
            let now = cfp_now_ns()
            if now &- lastScan > 100_000_000 {
                attachVFs()
                lastScan = now
            }
            fds.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: uplinkSocket, events: Int16(POLLIN), revents: 0))
            for fd in vfSockets + [pfTap] { fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0)) }
            fds.append(pollfd(fd: fromPF.eventDescriptor, events: Int16(POLLIN), revents: 0))
            if fromPF.prepareToSleep() { _ = poll(&fds, nfds_t(fds.count), 100) }
            fromPF.awake()
            drain(uplinkSocket, from: .uplink, cache: &cache)
            for (i, fd) in vfSockets.enumerated() where fd >= 0 { drain(fd, from: .vf(i), cache: &cache) }
            if pfTap >= 0 { readPF(cache: &cache) }
            var p = pool.base.bindMemory(to: PacketMeta.self, capacity: 1)
            var budget = 256
            while budget > 0, fromPF.dequeue(&p, max: 1) == 1 {
                let length = min(p.length, Self.room - 4)
                (buffer + 4).copyMemory(from: p.data, byteCount: length)
                cache.give(p)
                process(buffer + 4, length: length, from: .pf, cache: &cache)
                budget -= 1
            }
        }
    }

    /// Opens the interfaces of VFs that have none yet (a guest's VF tap appears when its QEMU starts).
    private func attachVFs() {
        for (i, name) in vfInterfaces.enumerated() where vfSockets[i] < 0 {
            let fd = cfp_raw_open(name)
            guard fd >= 0 else { continue }
            _ = cfp_if_up(name, 1)
            vfSockets[i] = fd
        }
    }

    /// Reads what waits on `fd` (a bounded number of frames per wake-up), each into the buffer after
    /// 4 bytes of room for a VLAN tag (or from its start, when the kernel's tag was put back).
    private func drain(_ fd: Int32, from: SwitchPort, cache: inout PoolCache) {
        for _ in 0..<64 {
            var offset: Int32 = 4
            let n = cfp_raw_recv(fd, buffer.assumingMemoryBound(to: UInt8.self), Self.room, &offset)
            if n < 0 {
                if -n == ENETDOWN || -n == ENXIO || -n == ENODEV { detach(from) }
                return
            }
            if n > Self.room - 8 { continue }  // larger than a frame the NIC takes
            process(buffer + Int(offset), length: n, from: from, cache: &cache)
        }
    }

    /// Frames the kernel PF sends (a TAP carries no tag metadata: the frame is as written).
    private func readPF(cache: inout PoolCache) {
        for _ in 0..<64 {
            let n = Glibc.read(pfTap, buffer + 4, Self.room - 8)
            guard n > 0 else { return }
            process(buffer + 4, length: n, from: .pf, cache: &cache)
        }
    }

    /// A VF whose interface went away (its guest's QEMU ended or unplugged it) is opened again later.
    private func detach(_ port: SwitchPort) {
        guard case .vf(let i) = port, vfSockets[i] >= 0 else { return }
        Glibc.close(vfSockets[i])
        vfSockets[i] = -1
    }

    /// Switches the frame at `start` in the buffer (`length` bytes) that came in at `from`.
    private func process(_ start: UnsafeMutableRawPointer, length: Int, from: SwitchPort, cache: inout PoolCache) {
        var frame = start
        var length = length
        guard let header = FrameHeader(frame, length: length) else { return }
        let now = cfp_now_ns()
        if case .vf(let i) = from, let (operation, mac) = VFMailbox.request(frame, length: length) {
            state.withLock { $0.mailbox(vf: i, operation, mac: mac) }
            return
        }
        // One decision per frame, under the lock: whether it passes, the tag it gets, and which
        // functions take it (a VF, with or without its tag).
        let plan: (insert: UInt16?, targets: [(port: SwitchPort, strip: Bool)])? = state.withLock { s in
            var insert: UInt16? = nil
            if case .vf(let i) = from {
                guard case .passed(let tag) = s.transmit(vf: i, header: header, length: length, now: now) else { return nil }
                insert = tag
            }
            let seen = insert.map { header.tagged($0) } ?? header
            let sent = length + (insert == nil ? 0 : 4)
            return (
                insert,
                s.destinations(from: from, header: seen).compactMap { d -> (port: SwitchPort, strip: Bool)? in
                    guard case .vf(let j) = d else { return (d, false) }
                    guard vfSockets[j] >= 0 else { return nil }
                    let verdict = s.receive(vf: j, header: seen, length: sent)
                    return verdict.take ? (d, verdict.strip) : nil
                }
            )
        }
        guard let plan else { return }
        if let vlan = plan.insert {
            // The tag goes after the addresses: move them 4 bytes forward into the room.
            buffer.copyMemory(from: frame, byteCount: 12)
            frame = buffer
            frame.storeBytes(of: UInt16(0x8100).bigEndian, toByteOffset: 12, as: UInt16.self)
            frame.storeBytes(of: vlan.bigEndian, toByteOffset: 14, as: UInt16.self)
            length += 4
        }
        for (destination, strip) in plan.targets {
            switch destination {
            case .uplink:
                _ = send(uplinkSocket, frame, length, Int32(MSG_DONTWAIT))
            case .pf where pfTap >= 0:
                _ = Glibc.write(pfTap, frame, length)
            case .pf:
                // A frame that grew by a tag past a buffer's room is the PF's to miss, not to overflow into the next buffer.
                guard length <= PacketPool.dataRoom else { continue }
                var p = pool.base.bindMemory(to: PacketMeta.self, capacity: 1)
                guard cache.take(1, into: &p) == 1 else { continue }
                p.data.copyMemory(from: frame, byteCount: length)
                p.length = length
                if toPF.enqueue(&p, count: 1) == 0 { cache.give(p) }
            case .vf(let i):
                if strip {
                    copy.copyMemory(from: frame, byteCount: 12)
                    (copy + 12).copyMemory(from: frame + 16, byteCount: length - 16)
                    _ = send(vfSockets[i], copy, length - 4, Int32(MSG_DONTWAIT))
                } else {
                    _ = send(vfSockets[i], frame, length, Int32(MSG_DONTWAIT))
                }
            }
        }
    }
}
