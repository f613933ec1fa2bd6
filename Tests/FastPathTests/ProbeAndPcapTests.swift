import Foundation
import Testing

@testable import FastPath

@Suite struct ProbeAndPcapTests {
    @Test func probesCarrySequenceAndTime() {
        var frame = Probe.template(length: 60, source: .defaultPeer(1), destination: .defaultPeer(2))
        #expect(frame.count == 60)
        frame.withUnsafeMutableBytes { Probe.stamp($0.baseAddress!, sequence: 42, time: 7_000) }
        let read = frame.withUnsafeBytes { Probe.read($0.baseAddress!, length: 60) }
        #expect(read?.sequence == 42 && read?.time == 7_000)
        frame[Probe.payloadOffset] = 0
        #expect(frame.withUnsafeBytes { Probe.read($0.baseAddress!, length: 60) } == nil)
    }

    @Test func probeCountersSeeLossReorderAndTheLongestGap() {
        var c = ProbeCounters()
        for (seq, t) in [(0, 0), (1, 10), (2, 20), (5, 1_000), (3, 30), (6, 1_010)] {
            c.account(sequence: UInt64(seq), time: UInt64(t))
        }
        #expect(c.received == 6)
        #expect(c.lost == 1)  // 3 and 4 skipped, 3 arrived late
        #expect(c.late == 1)
        #expect(c.gaps == 1)
        #expect(c.longestGap == 980)
    }

    /// With hugepages reserved the pool lives in them (as DPDK's mempools do); without, in ordinary
    /// shared memory. The test reserves a few pages and gives them back.
    @Test func thePoolUsesReservedHugepages() throws {
        let path = "/proc/sys/vm/nr_hugepages"
        let before = Int((try String(contentsOfFile: path, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        defer { try? "\(before)".write(toFile: path, atomically: false, encoding: .utf8) }
        try "0".write(toFile: path, atomically: false, encoding: .utf8)
        let plain = try PacketPool(count: 4096)
        #expect(!plain.onHugepages && plain.byteCount == 4096 * PacketPool.bufferSize)
        try "\(before + 8)".write(toFile: path, atomically: false, encoding: .utf8)
        let huge = try PacketPool(count: 4096)
        #expect(huge.onHugepages && huge.byteCount % (2 << 20) == 0 && huge.byteCount >= 4096 * PacketPool.bufferSize)
        var cache = PoolCache(pool: huge)
        var p = huge.base.bindMemory(to: PacketMeta.self, capacity: 1)
        #expect(cache.take(1, into: &p) == 1)
        p.data.storeBytes(of: 0xAB, as: UInt8.self)
        cache.give(p)
    }

    @Test func pcapRoundTrip() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("fp-\(getpid()).pcap").path
        defer { unlink(path) }
        let writer = try PcapWriter(path: path)
        let frames: [[UInt8]] = [Probe.template(length: 60, source: .defaultPeer(0), destination: .defaultPeer(1)), [UInt8](repeating: 7, count: 1514)]
        for f in frames { f.withUnsafeBytes { writer.write($0.baseAddress!, length: f.count) } }
        writer.close()
        let reader = try PcapReader(path: path)
        var buffer = [UInt8](repeating: 0, count: 2048)
        var read = [[UInt8]]()
        while let n = buffer.withUnsafeMutableBytes({ reader.next(into: $0.baseAddress!, capacity: 2048) }) { read.append(Array(buffer[0..<n])) }
        #expect(read == frames)
        #expect(throws: FastPathError.self) { try PcapReader(path: "/etc/hostname") }
    }

    @Test func pdumpSpecsInDPDKsWords() throws {
        let spec = try PdumpSpec("port=0,queue=*,rx-dev=/tmp/a.pcap,tx-dev=/tmp/b.pcap")
        #expect(spec.port == 0 && spec.rxFile == "/tmp/a.pcap" && spec.txFile == "/tmp/b.pcap")
        #expect(throws: FastPathError.self) { try PdumpSpec("port=0,queue=3,rx-dev=x") }
        #expect(throws: FastPathError.self) { try PdumpSpec("queue=*,rx-dev=x") }
        #expect(throws: FastPathError.self) { try PdumpSpec("port=0") }
    }
}
