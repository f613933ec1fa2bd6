import CFastPath
import FuzzDriver
import Glibc

@testable import FastPath

/// A packet pool for the data path the messages set up.
let pool = try! PacketPool(count: 512)
nonisolated(unsafe) let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 32)

/// The vhost-user message handler driven by a hostile front-end: the input is a sequence of messages
/// (request byte, descriptor byte, payload length byte, payload), each given the real descriptors its
/// request takes — memfds (of a size the input picks, their bytes taken from the input, so rings and
/// buffers are hostile too) and eventfds (blocking or not) — and after every message the data path
/// runs on whatever queues it made usable. Errors end the conversation, as on a socket.
public func fuzzVhostMessages(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let input = UnsafeBufferPointer(start: data, count: size)
    var at = 0
    func byte() -> UInt8? {
        guard at < input.count else { return nil }
        defer { at += 1 }
        return input[at]
    }
    let device = VhostDevice(queuePairs: 1 + Int((input.first ?? 0) & 1))
    var cache = PoolCache(pool: pool)
    while let request = byte(), let descriptor = byte(), let length = byte() {
        let payload = Array(input[min(at, input.count)..<min(at + Int(length), input.count)])
        at += Int(length)
        var fds: [Int32] = []
        let count = VhostRequest(rawValue: UInt32(request % 48)) == .setMemTable ? Int(descriptor & 7) + 1 : Int(descriptor >> 6)
        for i in 0..<count {
            if descriptor & 0x20 != 0 && request % 48 >= 12 {
                let fd = cfp_eventfd()
                if descriptor & 0x10 != 0 { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) }  // blocking, as the spec allows
                fds.append(fd)
            } else {
                let fd = cfp_memfd("fuzz")
                let pages = Int((descriptor >> 3) & 3 + UInt8(i & 1)) + 1
                ftruncate(fd, off_t(pages * 4096))
                if let map = mmap(nil, pages * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), map != MAP_FAILED {
                    let rest = input.count - at
                    if rest > 0 { map.copyMemory(from: input.baseAddress! + at, byteCount: min(rest, pages * 4096)) }
                    munmap(map, pages * 4096)
                }
                fds.append(fd)
            }
        }
        do {
            _ = try device.handle(VhostMessage(code: UInt32(request % 48), payload: payload, fds: fds))
        } catch {
            break
        }
        guard let memory = device.memory?.view else { continue }
        for q in 0..<device.queueCount where device.queues[q].usable {
            if q & 1 == 1 {
                let n = device.queues[q].dequeue(into: burst, max: 32, header: device.headerLength, memory: memory, log: device.activeLog?.view, cache: &cache)
                cache.give(n, from: burst)
            } else if let packet = pool.takeOne() {
                packet.length = 60
                burst[0] = packet
                let sent = device.queues[q].enqueue(
                    burst, count: 1, header: device.headerLength, mergeable: device.mergeable, memory: memory, log: device.activeLog?.view, cache: &cache)
                if sent == 0 { cache.give(packet) }
            }
        }
    }
    device.reset()
    cache = PoolCache(pool: pool)
    return 0
}

@_cdecl("FuzzVhostMessages_main")
public func fuzzVhostMessagesMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzVhostMessages(data!, size) }
}
