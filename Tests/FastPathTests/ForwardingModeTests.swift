import Foundation
import Testing

@testable import FastPath

/// Each forwarding mode's effect on real frames, through real ring ports and lcore threads.
@Suite(.serialized) struct ForwardingModeTests {
    static let a = EtherAddress("52:54:00:00:00:0a")!
    static let b = EtherAddress("52:54:00:00:00:0b")!

    private func frames(_ n: Int) -> [[UInt8]] {
        (0..<n).map { RingLab.frame(destination: Self.b, source: Self.a, marker: UInt8($0)) }
    }

    @Test func ioPassesFramesUnchangedAndCountsExactly() throws {
        let lab = try RingLab(ports: 2)
        try lab.command("start")
        lab.send(frames(100), to: 0)
        lab.send(frames(7), to: 1)
        let out1 = lab.receive(from: 1, count: 100)
        let out0 = lab.receive(from: 0, count: 7)
        try lab.command("stop")
        #expect(out1 == frames(100))
        #expect(out0 == frames(7))
        let c0 = lab.forwarder.counters(0), c1 = lab.forwarder.counters(1)
        #expect(c0.rxPackets == 100 && c0.txPackets == 7 && c0.rxBytes == 6400)
        #expect(c1.rxPackets == 7 && c1.txPackets == 100 && c1.txBytes == 6400)
        #expect(c0.txDropped == 0 && c1.txDropped == 0)
    }

    @Test func macswapSwapsAddresses() throws {
        let lab = try RingLab(ports: 2)
        try lab.command("set fwd macswap")
        try lab.command("start")
        lab.send(frames(50), to: 0)
        let out = lab.receive(from: 1, count: 50)
        try lab.command("stop")
        #expect(out.count == 50)
        for (i, f) in out.enumerated() {
            #expect(EtherAddress(at: f) == Self.a)
            #expect(EtherAddress(at: Array(f[6...])) == Self.b)
            #expect(f[63] == UInt8(i))
            #expect(Array(f[12...62]) == Array(frames(1)[0][12...62]))
        }
    }

    @Test func macRewritesToPeerAndTxPortAddress() throws {
        let lab = try RingLab(ports: 2)
        let peer = EtherAddress("52:54:00:12:34:56")!
        try lab.command("set fwd mac")
        try lab.command("set eth-peer 1 \(peer)")
        try lab.command("start")
        lab.send(frames(40), to: 0)
        let out = lab.receive(from: 1, count: 40)
        try lab.command("stop")
        let txMAC = lab.forwarder.ports.port(1)!.macAddress
        #expect(out.count == 40)
        #expect(out.allSatisfy { EtherAddress(at: $0) == peer && EtherAddress(at: Array($0[6...])) == txMAC })
    }

    @Test func txonlyProbesAreCountedByRxonlyWithoutLoss() throws {
        // Two forwarders joined by a ring cable: a generator and a receiver that checks sequence numbers.
        let gen = try RingLab(ports: 1, mode: .txonly)
        let sink = try RingLab(ports: 1, mode: .rxonly, pool: gen.forwarder.pool)
        (gen.forwarder.ports.port(0) as! RingPort).connect(to: sink.forwarder.ports.port(0) as! RingPort)
        gen.forwarder.config.topology = .loop
        gen.forwarder.config.txRate = 20_000
        sink.forwarder.config.topology = .loop
        try sink.command("start")
        try gen.command("start")
        usleep(300_000)
        try gen.command("stop")
        usleep(100_000)
        try sink.command("stop")
        let sent = gen.forwarder.counters(0).txPackets
        let probes = sink.forwarder.probes(0)
        #expect(sent > 1000)
        #expect(sent < 20_000)  // the rate limit held (20 kpps for 0.3 s is about 6000)
        #expect(probes.received == sent)
        #expect(probes.lost == 0 && probes.late == 0)
        #expect(sink.forwarder.counters(0).rxPackets == sent)
    }

    /// icmpecho answers an ARP request with the port's address and an echo request with its reply
    /// (a valid ICMP checksum, addresses swapped, an 802.1Q tag kept); replies, other ICMP, truncated
    /// frames and requests from group addresses get nothing.
    @Test func icmpechoAnswersARPAndEchoRequestsOnly() throws {
        let lab = try RingLab(ports: 1, mode: .icmpecho)
        lab.forwarder.config.topology = .loop
        let own = lab.forwarder.ports.port(0)!.macAddress
        let arp: [UInt8] =
            [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF] + Self.octets(Self.a) + [0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1] + Self.octets(Self.a) + [203, 0, 113, 1]
            + [UInt8](repeating: 0, count: 6) + [203, 0, 113, 2] + [UInt8](repeating: 0, count: 18)
        func echo(type: UInt8, source: EtherAddress = Self.a, tagged: Bool = false) -> [UInt8] {
            var icmp: [UInt8] = [type, 0, 0, 0, 0x12, 0x34, 0, 7] + (0..<32).map { UInt8($0) }
            let sum = Self.checksum(icmp)
            icmp[2] = UInt8(sum >> 8)
            icmp[3] = UInt8(sum & 0xFF)
            let ip: [UInt8] = [0x45, 0, 0, UInt8(20 + icmp.count), 0, 1, 0x40, 0, 64, 1, 0, 0, 203, 0, 113, 1, 203, 0, 113, 2]
            let tag: [UInt8] = tagged ? [0x81, 0x00, 0x00, 0x64] : []
            return Self.octets(Self.b) + Self.octets(source) + tag + [0x08, 0x00] + ip + icmp
        }
        try lab.command("start")
        let group = EtherAddress("01:00:5e:00:00:01")!
        lab.send([echo(type: 0), Array(echo(type: 8).prefix(40)), echo(type: 8, source: group), arp, echo(type: 8), echo(type: 8, tagged: true)], to: 0)
        let out = lab.receive(from: 0, count: 3, timeout: 5)
        try lab.command("stop")
        try #require(out.count == 3)
        // The ARP reply: to the requester, from the port, saying 203.0.113.2 is at the port's address.
        #expect(Array(out[0][0..<6]) == Self.octets(Self.a) && Array(out[0][6..<12]) == Self.octets(own))
        #expect(Array(out[0][20..<22]) == [0, 2] && Array(out[0][22..<28]) == Self.octets(own) && Array(out[0][28..<32]) == [203, 0, 113, 2])
        #expect(Array(out[0][32..<38]) == Self.octets(Self.a) && Array(out[0][38..<42]) == [203, 0, 113, 1])
        for (reply, l3) in [(out[1], 14), (out[2], 18)] {
            #expect(Array(reply[0..<6]) == Self.octets(Self.a) && Array(reply[6..<12]) == Self.octets(Self.b))
            #expect(Array(reply[l3 + 12..<l3 + 16]) == [203, 0, 113, 2] && Array(reply[l3 + 16..<l3 + 20]) == [203, 0, 113, 1])
            #expect(reply[l3 + 20] == 0)
            #expect(Self.checksum(Array(reply[(l3 + 20)...])) == 0)
        }
        #expect(Array(out[2][12..<16]) == [0x81, 0x00, 0x00, 0x64])
        #expect(lab.forwarder.counters(0).rxPackets == 6)
    }

    private static func octets(_ a: EtherAddress) -> [UInt8] { withUnsafeBytes(of: a.bytes) { Array($0) } }

    /// The Internet checksum of `bytes` (0 over a packet whose checksum field is right).
    private static func checksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        for i in stride(from: 0, to: bytes.count, by: 2) { sum += UInt32(bytes[i]) << 8 | UInt32(i + 1 < bytes.count ? bytes[i + 1] : 0) }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
        return ~UInt16(sum)
    }

    @Test func flowgenSpreadsDestinationsWithValidChecksums() throws {
        let lab = try RingLab(ports: 1, mode: .flowgen)
        lab.forwarder.config.topology = .loop
        lab.forwarder.config.flows = 4
        lab.forwarder.config.txRate = 10_000
        try lab.command("start")
        let out = lab.receive(from: 0, count: 8)
        try lab.command("stop")
        #expect(out.count >= 8)
        let destinations = Set(out.prefix(8).map { Array($0[30..<34]) })
        #expect(destinations.count == 4)
        for f in out.prefix(8) {
            var sum: UInt32 = 0
            for i in stride(from: 14, to: 34, by: 2) { sum += UInt32(f[i]) << 8 | UInt32(f[i + 1]) }
            while sum > 0xFFFF { sum = (sum & 0xFFFF) + (sum >> 16) }
            #expect(sum == 0xFFFF)
        }
    }

    @Test func startTxFirstSendsABurstOnEveryPort() throws {
        let lab = try RingLab(ports: 2)
        try lab.command("start tx_first")
        // Forwarded back and forth: the burst keeps circulating, so both cables see frames.
        let zero = lab.receive(from: 0, count: 32, timeout: 5)
        try lab.command("stop")
        #expect(zero.count >= 32)
        #expect(lab.forwarder.counters(1).txPackets >= 32)
    }

    @Test func queuesMakeOneStreamPerPortAndQueueSpreadOverTheLcores() throws {
        var config = ForwardingConfig()
        config.forwardingCPUs = [1, 2]
        config.coreCount = 2
        config.rxQueues = 2
        config.txQueues = 3
        let streams = Stream.plan(config, ports: [0, 1])
        // testpmd's order: queue 0 of every port, then queue 1; as many queues as the fewer of rxq and txq.
        #expect(streams.map { "\($0.rx)/\($0.queue)->\($0.tx)/\($0.queue)@\($0.cpu)" } == ["0/0->1/0@1", "1/0->0/0@1", "0/1->1/1@2", "1/1->0/1@2"])
    }

    @Test func moreQueuesThanAPortHasIsRefusedAtStart() throws {
        let lab = try RingLab(ports: 2)
        lab.forwarder.config.rxQueues = 2
        lab.forwarder.config.txQueues = 2
        #expect(
            throws: FastPathError.invalid(
                "Fail: input rxq (2) can't be greater than max queues (1) of port 0 (net_ring0): give its device queues=2, or --rxq=1")
        ) {
            try lab.forwarder.start()
        }
        #expect(!lab.forwarder.isForwarding)
    }
}
