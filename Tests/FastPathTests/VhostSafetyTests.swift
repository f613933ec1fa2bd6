import CFastPath
import Foundation
import Testing

@testable import FastPath

/// Hostile front-ends: random and malformed vhost-user messages, and descriptor rings built to trap
/// the walker (loops, indices past the table, nested or misplaced indirect tables, buffers outside
/// guest memory). FastPath must refuse them with an error, never crash, never leak a buffer.
@Suite struct VhostSafetyTests {
    /// A small deterministic generator (the failures must be reproducible).
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    @Test func randomMessagesNeverCrashTheDevice() {
        var rng = SplitMix(state: 42)
        let device = VhostDevice()
        var refused = 0
        for _ in 0..<50_000 {
            let code = UInt32.random(in: 0...40, using: &rng)
            let size = Int.random(in: 0...80, using: &rng)
            let payload = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            var header = VhostMessage(code: code, payload: payload).bytes
            if Bool.random(using: &rng) { header[4] = UInt8.random(in: 0...255, using: &rng) }  // flags
            let parsed = header.withUnsafeBytes { raw in Result { () throws(VhostError) in try VhostMessage.header(raw) } }
            guard case .success(let h) = parsed else {
                refused += 1
                continue
            }
            do {
                _ = try device.handle(VhostMessage(code: h.code, flags: h.flags, payload: Array(payload.prefix(h.size))))
            } catch {
                refused += 1
            }
        }
        #expect(refused > 10_000)  // most garbage is refused, with a reason
        #expect(!device.running)
    }

    @Test func malformedMessagesSayWhatIsWrong() {
        let device = VhostDevice()
        #expect(throws: VhostError.malformed("SET_MEM_TABLE with 9 regions (1 to 8)")) {
            var p = [UInt8](repeating: 0, count: 8 + 9 * 32)
            p[0] = 9
            _ = try device.handle(VhostMessage(code: 5, payload: p))
        }
        #expect(throws: VhostError.malformed("queue 7: this vhost-user port has 1 queue pair(s) (queues 0 to 1; more with queues=N)")) {
            _ = try device.handle(VhostMessage(code: 8, payload: [7, 0, 0, 0, 0, 1, 0, 0]))
        }
        #expect(throws: VhostError.malformed("queue 0: size 100 is not a power of two up to 32768")) {
            _ = try device.handle(VhostMessage(code: 8, payload: [0, 0, 0, 0, 100, 0, 0, 0]))
        }
        #expect(throws: VhostError.outOfOrder("queue 1 started before SET_MEM_TABLE")) {
            _ = try device.handle(VhostMessage(code: 12, payload: [1, 1, 0, 0, 0, 0, 0, 0]))  // no-fd flag
        }
        #expect(throws: VhostError.self) {
            _ = try [UInt8](repeating: 0xFF, count: 12).withUnsafeBytes { try VhostMessage.header($0) }
        }
    }

    /// One 1 MiB memfd region at guest address 0x100000, with one queue of 256 entries in it.
    final class Ring {
        static let base: UInt64 = 0x100000
        let fd: Int32
        let memory: GuestMemory
        var queue = VirtQueue()
        let host: UnsafeMutableRawPointer

        init() throws {
            fd = cfp_memfd("ring")
            ftruncate(fd, 1 << 20)
            memory = try GuestMemory([MemoryRegion(guestPhysical: Self.base, size: 1 << 20, userAddress: 0x7000_0000, mmapOffset: 0, fd: fd)])
            host = memory.pointer(guest: Self.base, length: 1 << 20)!
            queue.size = 256
            queue.address = VringAddress(index: 1, flags: 0, descriptors: 0x7000_0000, used: 0x7000_2000, available: 0x7000_1000, log: 0)
            try queue.translate(memory)
            queue.started = true
            queue.enabled = true
        }

        deinit { close(fd) }

        func descriptor(_ i: Int, address: UInt64, length: UInt32, flags: UInt16, next: UInt16) {
            let d = host + 16 * i
            d.storeBytes(of: address, as: UInt64.self)
            d.storeBytes(of: length, toByteOffset: 8, as: UInt32.self)
            d.storeBytes(of: flags, toByteOffset: 12, as: UInt16.self)
            d.storeBytes(of: next, toByteOffset: 14, as: UInt16.self)
        }

        func offer(_ heads: [UInt16]) {
            let avail = host + 0x1000
            var idx = avail.load(fromByteOffset: 2, as: UInt16.self)
            for h in heads {
                avail.storeBytes(of: h, toByteOffset: 4 + 2 * Int(idx & 255), as: UInt16.self)
                idx &+= 1
            }
            avail.storeBytes(of: idx, toByteOffset: 2, as: UInt16.self)
        }

        var usedIndex: UInt16 { (host + 0x2000).load(fromByteOffset: 2, as: UInt16.self) }
    }

    @Test func aWellFormedChainIsCopiedAndAHostileOneBreaksTheQueue() throws {
        let pool = try PacketPool(count: 512)
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 32)
        defer { burst.deallocate() }
        var cache = PoolCache(pool: pool)
        // header (12 bytes) in one descriptor, the frame in the next
        let r = try Ring()
        (r.host + 0x10000).initializeMemory(as: UInt8.self, repeating: 0xAB, count: 64)
        r.descriptor(0, address: Ring.base + 0x8000, length: 12, flags: 1, next: 1)
        r.descriptor(1, address: Ring.base + 0x10000, length: 64, flags: 0, next: 0)
        r.offer([0])
        #expect(r.queue.dequeue(into: burst, max: 32, header: 12, memory: r.memory.view, log: nil, cache: &cache) == 1)
        #expect(burst[0].length == 64 && burst[0].data.load(fromByteOffset: 63, as: UInt8.self) == 0xAB)
        #expect(r.usedIndex == 1)
        cache.give(burst[0])
        // a descriptor that points at itself
        r.descriptor(2, address: Ring.base + 0x10000, length: 64, flags: 1, next: 2)
        r.offer([2])
        #expect(r.queue.dequeue(into: burst, max: 32, header: 12, memory: r.memory.view, log: nil, cache: &cache) == 0)
        #expect(r.queue.broken)
        for hostile in [
            { (r: Ring) in r.descriptor(0, address: Ring.base + 0x10000, length: 64, flags: 1, next: 999) },  // next past the table
            { (r: Ring) in r.descriptor(0, address: 0x5000_0000, length: 64, flags: 0, next: 0) },  // outside memory
            { (r: Ring) in r.descriptor(0, address: Ring.base + (1 << 20) - 10, length: 64, flags: 0, next: 0) },  // runs off the end
            { (r: Ring) in
                r.descriptor(0, address: Ring.base + 0x9000, length: 32, flags: 4, next: 0)  // nested indirect
                (r.host + 0x9000).storeBytes(of: UInt16(4), toByteOffset: 12, as: UInt16.self)
            },
            { (r: Ring) in r.descriptor(0, address: Ring.base + 0x9000, length: 17, flags: 4, next: 0) },  // odd indirect size
        ] {
            let ring = try Ring()
            hostile(ring)
            ring.offer([0])
            #expect(ring.queue.dequeue(into: burst, max: 32, header: 12, memory: ring.memory.view, log: nil, cache: &cache) == 0)
            #expect(ring.queue.broken)
        }
        // an available index that claims more entries than the ring has
        let liar = try Ring()
        (liar.host + 0x1000).storeBytes(of: UInt16(5000), toByteOffset: 2, as: UInt16.self)
        #expect(liar.queue.dequeue(into: burst, max: 32, header: 12, memory: liar.memory.view, log: nil, cache: &cache) == 0)
        #expect(liar.queue.broken)
        cache = PoolCache(pool: pool)  // flushes the old cache
        #expect(pool.available == 512)  // no buffer leaked on any error path
    }

    @Test func randomRingsNeverEscapeGuestMemory() throws {
        var rng = SplitMix(state: 7)
        let pool = try PacketPool(count: 1024)
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 64)
        defer { burst.deallocate() }
        for round in 0..<300 {
            var cache = PoolCache(pool: pool)
            let r = try Ring()
            for i in 0..<256 {
                let address =
                    Bool.random(using: &rng) ? Ring.base + UInt64.random(in: 0..<(1 << 20), using: &rng) : UInt64.random(in: 0...UInt64.max, using: &rng)
                r.descriptor(
                    i, address: address, length: UInt32.random(in: 0...4096, using: &rng),
                    flags: UInt16.random(in: 0...7, using: &rng), next: UInt16.random(in: 0...300, using: &rng))
            }
            r.offer((0..<UInt16.random(in: 1...64, using: &rng)).map { _ in UInt16.random(in: 0...300, using: &rng) })
            if round % 2 == 0 {
                let n = r.queue.dequeue(into: burst, max: 64, header: 12, memory: r.memory.view, log: nil, cache: &cache)
                #expect(n <= 64)
                cache.give(n, from: burst)
            } else {
                for i in 0..<32 {
                    burst[i] = pool.takeOne()!
                    burst[i].length = 60
                }
                let sent = r.queue.enqueue(burst, count: 32, header: 12, mergeable: true, memory: r.memory.view, log: nil, cache: &cache)
                #expect(sent <= 32)
                cache.give(32 - sent, from: burst + sent)
            }
        }
        #expect(pool.available == 1024)
    }

    @Test func dirtyLogMarksEveryPageWritten() throws {
        let fd = cfp_memfd("log")
        defer { close(fd) }
        ftruncate(fd, 4096)
        let log = try DirtyLog(fd: fd, size: 4096, offset: 0)
        log.mark(0x100000 + 4095, length: 2)  // straddles pages 0x100 and 0x101
        #expect(log.isMarked(page: 0x100) && log.isMarked(page: 0x101) && !log.isMarked(page: 0x102))
        // enqueue into a ring with logging on: the buffer's page and the used ring's page are marked
        let pool = try PacketPool(count: 64)
        var cache = PoolCache(pool: pool)
        let r = try Ring()
        r.queue.usedGuestPhysical = Ring.base + 0x2000
        r.descriptor(0, address: Ring.base + 0x30000, length: 2048, flags: 2, next: 0)
        r.offer([0])
        let packet = pool.takeOne()!
        packet.length = 100
        var burst = [packet]
        let sent = burst.withUnsafeMutableBufferPointer {
            r.queue.enqueue($0.baseAddress!, count: 1, header: 12, mergeable: true, memory: r.memory.view, log: log.view, cache: &cache)
        }
        #expect(sent == 1)
        #expect(log.isMarked(page: (Ring.base + 0x30000) >> 12))
        #expect(log.isMarked(page: (Ring.base + 0x2000) >> 12))
        #expect((r.host + 0x30000).load(fromByteOffset: 10, as: UInt16.self) == 1)  // num_buffers
    }

    /// Sizes and offsets a front-end gives are checked against the files they name, and their sums
    /// against overflow: a region or log past the end of its memfd used to kill FastPath with SIGBUS at
    /// the first access, a log offset near 2^64 with a trap.
    @Test func regionsAndLogsMustLieInsideTheirFiles() throws {
        let fd = cfp_memfd("small")
        defer { close(fd) }
        ftruncate(fd, 1 << 20)
        #expect(throws: VhostError.badAddress("a 2097152-byte guest memory region at offset 0 runs past its file (1048576 bytes)")) {
            _ = try GuestMemory([MemoryRegion(guestPhysical: 0, size: 2 << 20, userAddress: 0x7000_0000, mmapOffset: 0, fd: fd)])
        }
        #expect(throws: VhostError.badAddress("a 1048576-byte guest memory region at offset 4096 runs past its file (1048576 bytes)")) {
            _ = try GuestMemory([MemoryRegion(guestPhysical: 0, size: 1 << 20, userAddress: 0x7000_0000, mmapOffset: 4096, fd: fd)])
        }
        #expect(throws: VhostError.malformed("dirty log of 4096 bytes at offset 0xfffffffffffff000")) {
            _ = try DirtyLog(fd: fd, size: 4096, offset: 0xFFFF_FFFF_FFFF_F000)
        }
        #expect(throws: VhostError.badAddress("dirty log of 4096 bytes at offset 1048000 runs past its file (1048576 bytes)")) {
            _ = try DirtyLog(fd: fd, size: 4096, offset: 1_048_000)
        }
        // Through the message handler too: the device refuses, nothing is mapped.
        let device = VhostDevice()
        var log = [UInt8](repeating: 0, count: 16)
        log.withUnsafeMutableBytes {
            $0.storeBytes(of: UInt64(4096), as: UInt64.self)
            $0.storeBytes(of: UInt64.max - 100, toByteOffset: 8, as: UInt64.self)
        }
        #expect(throws: VhostError.self) { _ = try device.handle(VhostMessage(code: VhostRequest.setLogBase.rawValue, payload: log, fds: [dup(fd)])) }
        #expect(device.log == nil)
        // A used ring's log address near 2^64: marks past the bitmap are dropped, nothing wraps.
        ftruncate(fd, 4096)
        let bitmap = try DirtyLog(fd: fd, size: 4096, offset: 0)
        bitmap.mark(UInt64.max - 3, length: 64)
        bitmap.mark(0xFFFF_FFFF_FFFF_F000, length: 8)
        #expect(!(0..<(4096 * 8)).contains { bitmap.isMarked(page: UInt64($0)) })
    }

    /// SET_VRING_NUM before a queue starts sets the size its rings are checked for: a ring that fits at
    /// 256 entries but not at 32768 is refused when it grows, and the queue keeps no stale pointers.
    @Test func aRingThatGrowsIsCheckedAgain() throws {
        let fd = cfp_memfd("grow")
        defer { close(fd) }
        ftruncate(fd, 1 << 20)
        let table = VhostChannel.u64(1) + VhostChannel.u64(0) + VhostChannel.u64(1 << 20) + VhostChannel.u64(0x7000_0000) + VhostChannel.u64(0)
        let device = VhostDevice()
        _ = try device.handle(VhostMessage(code: VhostRequest.setMemTable.rawValue, payload: table, fds: [dup(fd)]))
        _ = try device.handle(VhostMessage(code: VhostRequest.setVringNum.rawValue, payload: VhostChannel.state(1, 256)))
        let near = [0xF_0000, 0xF_2000, 0xF_1000].map { UInt64(0x7000_0000 + $0) }  // descriptors, used, available
        let address = VhostChannel.state(1, 0) + near.flatMap(VhostChannel.u64) + VhostChannel.u64(0)
        _ = try device.handle(VhostMessage(code: VhostRequest.setVringAddr.rawValue, payload: address))
        #expect(device.queues[1].descriptors != nil)
        #expect(throws: VhostError.badAddress("queue 1: a ring of 32768 entries is not inside the memory table")) {
            _ = try device.handle(VhostMessage(code: VhostRequest.setVringNum.rawValue, payload: VhostChannel.state(1, 32768)))
        }
        #expect(device.queues[1].descriptors == nil && !device.queues[1].usable)
    }

    @Test func sendRARPAnnouncesTheMigratedGuest() throws {
        let device = VhostDevice()
        let mac = EtherAddress("52:54:00:12:34:56")!
        var payload = [UInt8](repeating: 0, count: 8)
        payload.withUnsafeMutableBytes { mac.store(to: $0.baseAddress!) }
        #expect(try device.handle(VhostMessage(code: VhostRequest.sendRARP.rawValue, payload: payload)) == nil)
        #expect(device.takeAnnouncement() == mac)
        #expect(device.takeAnnouncement() == nil)
        var frame = [UInt8](repeating: 0xEE, count: 64)
        let length = frame.withUnsafeMutableBytes { VhostUserPort.rarp(from: mac, into: $0.baseAddress!) }
        #expect(length == 60)
        #expect(Array(frame[0..<6]) == [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
        #expect(EtherAddress(at: Array(frame[6...])) == mac)
        #expect(Array(frame[12..<14]) == [0x80, 0x35])  // RARP
        #expect(Array(frame[20..<22]) == [0x00, 0x03])  // reverse request
        #expect(EtherAddress(at: Array(frame[32...])) == mac)  // target hardware address
    }
}
