import Foundation
import Testing
@testable import FastPath

/// FastPath to FastPath over vhost-user, in one process: a virtio_user front-end and a net_vhost
/// back-end on a socket of the test's own, probes counted both ways.
@Suite(.serialized) struct VhostLoopTests {
    private func forwarder(_ mode: ForwardMode, rate: Double? = nil) throws -> Forwarder {
        var config = ForwardingConfig()
        config.mode = mode
        config.topology = .loop
        config.forwardingCPUs = [1]
        config.txRate = rate
        return try Forwarder(buffers: 4096, config: config)
    }

    @Test(arguments: [true, false])
    func probesCrossWithoutLoss(frontendSends: Bool) throws {
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("fp-vhost-\(getpid())-\(frontendSends).sock").path
        let back = try forwarder(frontendSends ? .rxonly : .txonly, rate: frontendSends ? nil : 20_000)
        let vhost = try VhostUserPort(deviceName: "net_vhost0", devargs: "iface=\(socket)", path: socket, client: false)
        defer { vhost.close() }
        try back.attach(vhost)
        let front = try forwarder(frontendSends ? .txonly : .rxonly, rate: frontendSends ? 20_000 : nil)
        let virtio = try VirtioUserPort(deviceName: "virtio_user0", devargs: "path=\(socket)", path: socket, pool: front.pool)
        try front.attach(virtio)
        let deadline = Date().addingTimeInterval(5)
        while !vhost.linkUp && Date() < deadline { usleep(1000) }
        #expect(vhost.linkUp)
        let (sender, receiver) = frontendSends ? (front, back) : (back, front)
        try receiver.start()
        try sender.start()
        usleep(300_000)
        sender.stop()
        usleep(100_000)
        receiver.stop()
        let sent = sender.counters(0).txPackets
        let probes = receiver.probes(0)
        #expect(sent > 2000)
        #expect(probes.received == sent && probes.lost == 0 && probes.late == 0)
        #expect(receiver.counters(0).rxBytes == sent * 64)
    }

    @Test func aFrontEndThatGoesAwayLeavesTheBackEndWaitingForTheNext() throws {
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("fp-vhost-\(getpid())-re.sock").path
        let back = try forwarder(.rxonly)
        let vhost = try VhostUserPort(deviceName: "net_vhost0", devargs: "", path: socket, client: false)
        defer { vhost.close() }
        try back.attach(vhost)
        try back.start()
        for round in 1...2 {
            let front = try forwarder(.txonly, rate: 10_000)
            let virtio = try VirtioUserPort(deviceName: "virtio_user0", devargs: "", path: socket, pool: front.pool)
            try front.attach(virtio)
            let deadline = Date().addingTimeInterval(5)
            while !vhost.linkUp && Date() < deadline { usleep(1000) }
            try front.start()
            usleep(200_000)
            front.stop()
            usleep(50_000)
            #expect(back.probes(0).received >= UInt64(round) * 1000)
            virtio.close()
        }
        back.stop()
    }
}
