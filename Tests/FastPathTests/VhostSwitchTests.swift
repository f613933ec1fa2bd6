import Foundation
import Testing

@testable import FastPath

/// vhost-switch mode through real ring ports and an lcore thread: port 0 is the uplink, ports 1 and 2
/// are VM ports. Each case sends, then looks at what left every port.
@Suite(.serialized) struct VhostSwitchTests {
    static let vm1 = EtherAddress("cc:bb:bb:bb:bb:bb")!
    static let vm2 = EtherAddress("dc:bb:bb:bb:bb:bb")!  // the guide's DD:BB:… with its group bit cleared, as the virtual lab does
    static let outside = EtherAddress("52:54:00:00:00:0a")!
    static let broadcast = EtherAddress("ff:ff:ff:ff:ff:ff")!

    private func frame(to d: EtherAddress, from s: EtherAddress, _ marker: UInt8) -> [UInt8] {
        RingLab.frame(destination: d, source: s, marker: marker)
    }

    /// Sends `frames` into `port`, waits until the forwarder received them all, and returns what left
    /// each of the three ports.
    private func exchange(_ lab: RingLab, _ frames: [[UInt8]], into port: Int) -> [[[UInt8]]] {
        let before = lab.forwarder.counters(port).rxPackets
        lab.send(frames, to: port)
        let deadline = Date().addingTimeInterval(5)
        while lab.forwarder.counters(port).rxPackets < before + UInt64(frames.count) && Date() < deadline { usleep(200) }
        usleep(20_000)
        return (0..<3).map { lab.drain($0) }
    }

    private func started() throws -> RingLab {
        let lab = try RingLab(ports: 3)
        try lab.command("set fwd vhost-switch")
        try lab.command("start")
        return lab
    }

    @Test func theUplinkReachesOnlyLearnedVMsAndGroupsReachEveryVM() throws {
        let lab = try started()
        defer { _ = try? lab.command("stop") }
        // Nobody learned yet: a unicast frame from the uplink goes nowhere (not back out the uplink).
        var out = exchange(lab, [frame(to: Self.vm1, from: Self.outside, 1)], into: 0)
        #expect(out.allSatisfy { $0.isEmpty })
        // VM 1 speaks to the outside: the frame goes up, and VM 1's address is learned on port 1.
        out = exchange(lab, [frame(to: Self.outside, from: Self.vm1, 2)], into: 1)
        #expect(out[0] == [frame(to: Self.outside, from: Self.vm1, 2)] && out[1].isEmpty && out[2].isEmpty)
        out = exchange(lab, [frame(to: Self.vm1, from: Self.outside, 3), frame(to: Self.vm2, from: Self.outside, 4)], into: 0)
        #expect(out[1] == [frame(to: Self.vm1, from: Self.outside, 3)] && out[0].isEmpty && out[2].isEmpty)
        // A broadcast from the uplink reaches both VM ports, a VM's broadcast only the uplink.
        out = exchange(lab, [frame(to: Self.broadcast, from: Self.outside, 5)], into: 0)
        #expect(out[0].isEmpty && out[1] == [frame(to: Self.broadcast, from: Self.outside, 5)] && out[2] == out[1])
        out = exchange(lab, [frame(to: Self.broadcast, from: Self.vm2, 6)], into: 2)
        #expect(out[0] == [frame(to: Self.broadcast, from: Self.vm2, 6)] && out[1].isEmpty && out[2].isEmpty)
        let counters = lab.forwarder.counters(0)
        #expect(counters.rxPackets == 4 && counters.txPackets == 2)
    }

    @Test func vmsReachEachOtherAndAMovedAddressIsLearnedAgain() throws {
        let lab = try started()
        defer { _ = try? lab.command("stop") }
        _ = exchange(lab, [frame(to: Self.outside, from: Self.vm1, 1), frame(to: Self.outside, from: Self.vm2, 2)], into: 1)
        _ = exchange(lab, [frame(to: Self.outside, from: Self.vm2, 3)], into: 2)
        // VM 2 to VM 1 stays inside the host.
        var out = exchange(lab, [frame(to: Self.vm1, from: Self.vm2, 4)], into: 2)
        #expect(out[1] == [frame(to: Self.vm1, from: Self.vm2, 4)] && out[0].isEmpty && out[2].isEmpty)
        // A frame to an address learned on the port it came from is dropped, not hairpinned.
        out = exchange(lab, [frame(to: Self.vm1, from: Self.outside, 5)], into: 1)
        #expect(out.allSatisfy { $0.isEmpty })
        // VM 1's address shows up on port 2 (a migrated guest's announcement): the uplink's frames follow it.
        _ = exchange(lab, [frame(to: Self.broadcast, from: Self.vm1, 6)], into: 2)
        out = exchange(lab, [frame(to: Self.vm1, from: Self.outside, 7)], into: 0)
        #expect(out[2] == [frame(to: Self.vm1, from: Self.outside, 7)] && out[1].isEmpty && out[0].isEmpty)
    }

    @Test func theSwitchRunsOnOneLcoreWhateverNbCoresSays() {
        var config = ForwardingConfig()
        config.mode = .vhostSwitch
        config.forwardingCPUs = [1, 2, 3]
        config.coreCount = 3
        let streams = Stream.plan(config, ports: [0, 1, 2])
        #expect(streams.map(\.rx) == [0, 1, 2] && streams.map(\.tx) == [1, 0, 0])
        #expect(Set(streams.map(\.cpu)) == [1])
        config.mode = .io
        #expect(Set(Stream.plan(config, ports: [0, 1, 2]).map(\.cpu)).count == 3)
    }

    @Test func aSwitchNeedsAnUplinkAndAVMPort() throws {
        let lab = try RingLab(ports: 1)
        try lab.command("set fwd vhost-switch")
        #expect { try lab.command("start") } throws: {
            "\($0)".contains("vhost-switch needs an uplink and at least one VM port, but port 0 is the only forwarding port")
        }
    }

    @Test func theAddressTableKeepsEveryAddressItHasRoomFor() {
        let table = MACTable()
        let addresses = (0..<1000).map { UInt64(0x0200_0000_0000) | UInt64($0) &* 0x1_0001 }
        for (i, a) in addresses.enumerated() { table.learn(a, port: 1 + i % 3) }
        let found = addresses.enumerated().filter { table.lookup($0.element) == 1 + $0.offset % 3 }.count
        #expect(found >= 990)
        #expect(table.lookup(0x0200_DEAD_BEEF) == nil)
        table.learn(addresses[0], port: 7)
        #expect(table.lookup(addresses[0]) == 7)
        #expect(MACTable.isGroup(0xFFFF_FFFF_FFFF) && MACTable.isGroup(0x0100_5E00_0001) && !MACTable.isGroup(0xCCBB_BBBB_BBBB))
    }
}
