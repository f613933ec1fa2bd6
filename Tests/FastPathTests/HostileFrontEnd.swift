import CFastPath
import Foundation

@testable import FastPath

/// A vhost-user front-end written by hand, as a hostile guest's would be: real memfd-backed memory,
/// real eventfds (blocking ones, if it likes), and any message in any order. Its one queue pair's
/// rings lie in its memory (256 entries each), so it can also offer frames on its transmit queue.
final class HostileFrontEnd {
    static let memorySize = 1 << 20
    static let userBase: UInt64 = 0x7000_0000
    /// Where queue `q`'s descriptor table, available and used rings start in the memory.
    static func rings(_ q: Int) -> (descriptors: Int, available: Int, used: Int) { (q * 0x4000, q * 0x4000 + 0x1000, q * 0x4000 + 0x2000) }

    let channel: VhostChannel
    let memoryFD: Int32
    let memory: UnsafeMutableRawPointer
    /// Kick and call eventfds of queues 0 and 1.
    private(set) var kicks: [Int32] = []
    private(set) var calls: [Int32] = []
    private var offered: UInt16 = 0

    /// Connects to a back-end's socket.
    init(socket: String) throws {
        guard case .success(let fd) = try UnixAddress(socket).connect() else { throw FastPathError.invalid("cannot connect to \(socket)") }
        channel = VhostChannel(fd: fd)
        memoryFD = cfp_memfd("hostile")
        ftruncate(memoryFD, off_t(Self.memorySize))
        memory = mmap(nil, Self.memorySize, PROT_READ | PROT_WRITE, MAP_SHARED, memoryFD, 0)!
    }

    deinit {
        for fd in kicks + calls + [memoryFD] { close(fd) }
        munmap(memory, Self.memorySize)
    }

    /// The memory table of one region, `size` bytes of the memfd (more than it has, if hostile).
    func memoryTable(size: UInt64 = UInt64(HostileFrontEnd.memorySize)) throws {
        var table = VhostChannel.u64(1)
        table += VhostChannel.u64(0) + VhostChannel.u64(size) + VhostChannel.u64(Self.userBase) + VhostChannel.u64(0)
        try channel.send(.setMemTable, payload: table, fds: [memoryFD])
    }

    /// SET_VRING_NUM.
    func ringSize(_ q: Int, _ size: Int) throws { try channel.send(.setVringNum, payload: VhostChannel.state(q, size)) }

    /// SET_VRING_ADDR of queue `q`'s rings, with a log address for its used ring when given.
    func ringAddress(_ q: Int, log: UInt64? = nil) throws {
        let r = Self.rings(q)
        let addresses = [r.descriptors, r.used, r.available].map { Self.userBase + UInt64($0) }
        let payload = VhostChannel.state(q, log == nil ? 0 : 1) + addresses.flatMap(VhostChannel.u64) + VhostChannel.u64(log ?? 0)
        try channel.send(.setVringAddr, payload: payload)
    }

    /// Negotiates (VERSION_1 only, no protocol features: queues run at their kick) and starts both
    /// queues with 256 entries; `blockingEventfds`: their eventfds without O_NONBLOCK, as the spec allows.
    func start(blockingEventfds: Bool = false) throws {
        func eventfd() -> Int32 {
            let fd = cfp_eventfd()
            if blockingEventfds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }
            return fd
        }
        _ = try channel.ask(.getFeatures)
        try channel.send(.setOwner)
        try channel.send(.setFeatures, payload: VhostChannel.u64(VhostFeatures.version1))
        try memoryTable()
        for q in 0..<2 {
            let (kick, call) = (eventfd(), eventfd())
            kicks.append(kick)
            calls.append(call)
            try ringSize(q, 256)
            try channel.send(.setVringBase, payload: VhostChannel.state(q, 0))
            try ringAddress(q)
            try channel.send(.setVringCall, payload: VhostChannel.u64(UInt64(q)), fds: [call])
            try channel.send(.setVringKick, payload: VhostChannel.u64(UInt64(q)), fds: [kick])
        }
    }

    /// Offers `count` 64-byte frames (after the 12-byte header) on the transmit queue, and kicks.
    func transmit(_ count: Int) {
        let r = Self.rings(1)
        for _ in 0..<count {
            let slot = Int(offered & 255)
            let buffer = 0x10000 + slot * 128
            (memory + buffer).initializeMemory(as: UInt8.self, repeating: 0, count: 12)
            (memory + buffer + 12).initializeMemory(as: UInt8.self, repeating: 0xAB, count: 64)
            let d = memory + r.descriptors + 16 * slot
            d.storeBytes(of: UInt64(buffer), as: UInt64.self)
            d.storeBytes(of: UInt32(76), toByteOffset: 8, as: UInt32.self)
            d.storeBytes(of: UInt32(0), toByteOffset: 12, as: UInt32.self)  // flags and next
            (memory + r.available).storeBytes(of: UInt16(slot), toByteOffset: 4 + 2 * slot, as: UInt16.self)
            offered &+= 1
        }
        cfp_fence()
        (memory + r.available).storeBytes(of: offered, toByteOffset: 2, as: UInt16.self)
        kick(1)
    }

    /// Signals queue `q`'s kick eventfd.
    func kick(_ q: Int) {
        var one: UInt64 = 1
        _ = write(kicks[q], &one, 8)
    }

    /// How many of the offered frames the back-end gave back (the transmit queue's used index).
    var transmitted: UInt16 { (memory + Self.rings(1).used).load(fromByteOffset: 2, as: UInt16.self) }
}
