import CFastPath
import FuzzDriver
import Glibc

@testable import FastPath

let pool = try! PacketPool(count: 1024)
nonisolated(unsafe) let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 64)
/// One 64 KiB memfd region at guest address 0x10000, rings of 256 entries at its start.
let fd = cfp_memfd("fuzz-ring")
let size = 64 << 10
let memory: GuestMemory = {
    ftruncate(fd, off_t(size))
    return try! GuestMemory([MemoryRegion(guestPhysical: 0x10000, size: UInt64(size), userAddress: 0x7000_0000, mmapOffset: 0, fd: fd)])
}()
nonisolated(unsafe) let host = memory.pointer(guest: 0x10000, length: size)!

/// The virtqueue walker on hostile rings: the input is the region's bytes (descriptor table, available
/// ring, buffers); the first byte picks the size, header and direction. No access outside guest
/// memory, no buffer leaked, whatever the rings say.
public func fuzzVirtqueue(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 1 else { return 0 }
    let control = data[0]
    host.initializeMemory(as: UInt8.self, repeating: 0, count: 64 << 10)
    host.copyMemory(from: data + 1, byteCount: min(size - 1, 64 << 10))
    var queue = VirtQueue()
    queue.size = 1 << Int(control & 7 + 1)  // 2 to 256
    queue.address = VringAddress(index: 1, flags: 0, descriptors: 0x7000_0000, used: 0x7000_2000, available: 0x7000_1000, log: 0)
    queue.eventIndex = control & 0x10 != 0
    do { try queue.translate(memory) } catch { return 0 }
    queue.started = true
    queue.enabled = true
    var cache = PoolCache(pool: pool)
    let header = control & 0x20 != 0 ? 12 : 10
    for _ in 0..<4 {
        if control & 0x40 == 0 {
            let n = queue.dequeue(into: burst, max: 64, header: header, memory: memory.view, log: nil, cache: &cache)
            cache.give(n, from: burst)
        } else {
            var taken = 0
            while taken < 32, let p = pool.takeOne() {
                p.length = 60 + taken * 40
                burst[taken] = p
                taken += 1
            }
            let sent = queue.enqueue(burst, count: taken, header: header, mergeable: control & 0x80 != 0, memory: memory.view, log: nil, cache: &cache)
            cache.give(taken - sent, from: burst + sent)
        }
    }
    cache = PoolCache(pool: pool)
    precondition(pool.available == 1024, "a buffer leaked")
    return 0
}

@_cdecl("FuzzVirtqueue_main")
public func fuzzVirtqueueMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzVirtqueue(data!, size) }
}
