import Foundation
import Testing

@testable import FastPath

/// FastPath to FastPath over vhost-user, in one process: a virtio_user front-end and a net_vhost
/// back-end on a socket of the test's own, probes counted both ways.
@Suite(.serialized) struct VhostLoopTests {
    private func forwarder(_ mode: ForwardMode, rate: Double? = nil, queues: Int = 1) throws -> Forwarder {
        var config = ForwardingConfig()
        config.mode = mode
        config.topology = .loop
        config.forwardingCPUs = queues == 1 ? [1] : [1, 0]
        config.coreCount = queues
        config.rxQueues = queues
        config.txQueues = queues
        config.txRate = rate
        return try Forwarder(buffers: 4096 * queues, config: config)
    }

    /// With two queue pairs each queue is a stream of its own on an lcore of its own: every probe a
    /// sending stream sent arrives on the receiving stream of the same queue.
    @Test(arguments: [(true, 1), (false, 1), (true, 2), (false, 2)])
    func probesCrossWithoutLoss(frontendSends: Bool, queues: Int) throws {
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("fp-vhost-\(getpid())-\(frontendSends)-\(queues).sock").path
        let back = try forwarder(frontendSends ? .rxonly : .txonly, rate: frontendSends ? nil : 20_000, queues: queues)
        let vhost = try VhostUserPort(deviceName: "net_vhost0", devargs: "iface=\(socket)", path: socket, client: false, queuePairs: queues)
        defer { vhost.close() }
        try back.attach(vhost)
        let front = try forwarder(frontendSends ? .txonly : .rxonly, rate: frontendSends ? 20_000 : nil, queues: queues)
        let virtio = try VirtioUserPort(deviceName: "virtio_user0", devargs: "path=\(socket)", path: socket, pool: front.pool, queuePairs: queues)
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
        #expect(sent > 2000 * UInt64(queues))
        #expect(probes.received == sent && probes.lost == 0 && probes.late == 0)
        #expect(receiver.counters(0).rxBytes == sent * 64)
        let sentPerQueue = sender.lastRunStreams.map { ($0.stream.queue, $0.run.txPackets) }
        let receivedPerQueue = receiver.lastRunStreams.map { ($0.stream.queue, $0.run.rxPackets) }
        #expect(sentPerQueue.count == queues && sentPerQueue.allSatisfy { $0.1 > 1000 })
        #expect(sentPerQueue.map(\.0) == receivedPerQueue.map(\.0) && sentPerQueue.map(\.1) == receivedPerQueue.map(\.1))
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
