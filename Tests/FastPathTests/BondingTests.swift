import Foundation
import Testing

@testable import FastPath

/// Mode-1 bonding with testpmd's commands, over ring ports, while frames flow.
@Suite(.serialized) struct BondingTests {
    /// Ports 0 and 1 are slaves of bond 2; port 3 faces the generator; io forwarding 2↔3.
    private func bondedLab() throws -> RingLab {
        let lab = try RingLab(ports: 4)
        #expect(try lab.command("create bonded device 1 0") == "Created new bonded device net_bonding_testpmd_0 on (port 4).\n")
        try lab.command("add bonding slave 0 4")
        try lab.command("add bonding slave 1 4")
        try lab.command("set portlist 4,3")
        try lab.command("port start 4")
        return lab
    }

    private func frames(_ range: Range<Int>) -> [[UInt8]] {
        range.map { RingLab.frame(destination: .defaultPeer(1), source: .defaultPeer(2), marker: UInt8($0 % 256)) }
    }

    @Test func showBondingConfigSpeaksTestpmd() throws {
        let lab = try bondedLab()
        try lab.command("set bonding primary 1 4")
        let config = try lab.command("show bonding config 4")
        #expect(config == "\tBonding mode: 1\n\tSlaves (2): [0 1]\n\tActive Slaves (2): [0 1]\n\tPrimary: [1]\n\tCurrent Primary: [1]\n")
        #expect(!lab.interpreter.execute("create bonded device 4 0").ok)
        #expect(lab.interpreter.execute("add bonding slave 0 4").output.contains("already a slave"))
        #expect(lab.interpreter.execute("show bonding config 3").output == "Port 3 is not a bonded device\n")
    }

    @Test func removingThePrimaryFailsOverWithoutLoss() throws {
        let lab = try bondedLab()
        try lab.command("start")
        let total = 6000
        let sender = Thread {
            for chunk in stride(from: 0, to: total, by: 100) {
                lab.send(self.frames(chunk..<(chunk + 100)), to: 3)
                usleep(2000)
            }
        }
        sender.start()
        usleep(40_000)
        #expect(lab.forwarder.locked { (lab.forwarder.ports.port(4) as! BondingPort).activeSlave } == 0)
        try lab.command("remove bonding slave 0 4")
        #expect(lab.forwarder.locked { (lab.forwarder.ports.port(4) as! BondingPort).activeSlave } == 1)
        let deadline = Date().addingTimeInterval(10)
        var viaPrimary = [[UInt8]](), viaBackup = [[UInt8]]()
        while viaPrimary.count + viaBackup.count < total && Date() < deadline {
            viaPrimary += lab.drain(0)
            viaBackup += lab.drain(1)
            usleep(1000)
        }
        try lab.command("stop")
        #expect(viaPrimary.count + viaBackup.count == total)
        #expect(viaPrimary.count > 0 && viaBackup.count > 0)
        #expect(lab.forwarder.counters(4).txDropped == 0)
        #expect(try lab.command("show bonding config 4").contains("Slaves (1): [1]"))
    }

    @Test func stoppingTheActiveSlaveFailsOverAndBack() throws {
        let lab = try bondedLab()
        try lab.command("start")
        lab.send(frames(0..<10), to: 3)
        #expect(lab.receive(from: 0, count: 10).count == 10)
        try lab.command("port stop 0")
        lab.send(frames(10..<20), to: 3)
        #expect(lab.receive(from: 1, count: 10).count == 10)
        #expect(try lab.command("show bonding config 4").contains("Active Slaves (1): [1]"))
        try lab.command("port start 0")
        lab.send(frames(20..<30), to: 3)
        #expect(lab.receive(from: 0, count: 10).count == 10)
        try lab.command("stop")
        #expect(lab.drain(1).isEmpty)
    }

    @Test func forwardingPortsCannotBeStoppedWhileForwarding() throws {
        let lab = try bondedLab()
        try lab.command("start")
        let reply = lab.interpreter.execute("port stop 3")
        #expect(!reply.ok && reply.output == "Please remove port 3 from forwarding configuration.\n")
        #expect(lab.interpreter.execute("set fwd mac").output == "Please stop forwarding first\n")
        try lab.command("stop")
    }
}
