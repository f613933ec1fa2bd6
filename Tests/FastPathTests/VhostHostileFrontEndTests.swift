import CFastPath
import Foundation
import Testing

@testable import FastPath

/// A running vhost-user port against a hand-written front-end that breaks the protocol's rules or
/// bends them as far as the spec allows: the connection ends with a reason, or the front-end is
/// served; the lcore never stops serving its other ports.
@Suite(.serialized) struct VhostHostileFrontEndTests {
    /// An rxonly forwarder on one lcore with a vhost-user port (port 0) and a ring port (port 1) whose
    /// other end the test sends into, sleeping in poll() when idle as FastPath does.
    final class Bench {
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("fp-hostile-\(getpid()).sock").path
        let forwarder: Forwarder
        let vhost: VhostUserPort
        let cable: RingPort
        private var cache: PoolCache

        init() throws {
            var config = ForwardingConfig()
            config.mode = .rxonly
            config.forwardingCPUs = [1]
            forwarder = Forwarder(pool: try PacketPool(count: 4096), config: config)
            vhost = try VhostUserPort(deviceName: "net_vhost0", devargs: "iface=\(socket)", path: socket, client: false)
            try forwarder.attach(vhost)
            let ring = try RingPort(deviceName: "net_ring0", devargs: "")
            cable = try RingPort(deviceName: "cable", devargs: "", capacity: 4096)
            ring.connect(to: cable)
            try cable.start()
            try forwarder.attach(ring)
            cache = PoolCache(pool: forwarder.pool)
            try forwarder.start()
        }

        deinit {
            if forwarder.isForwarding { forwarder.stop() }
            vhost.close()
        }

        /// Sends `count` frames into the ring port.
        func sendToRing(_ count: Int) {
            let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: count)
            defer { burst.deallocate() }
            for i in 0..<count {
                burst[i] = forwarder.pool.takeOne()!
                burst[i].length = 64
            }
            var sent = 0
            while sent < count { sent += cable.transmit(burst + sent, count: count - sent, cache: &cache) }
        }

        /// Waits up to `seconds` for `condition`.
        func wait(_ seconds: Double = 3, until condition: () -> Bool) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while !condition() && Date() < deadline { usleep(2000) }
            return condition()
        }
    }

    /// The spec lets a front-end pass eventfds without O_NONBLOCK. FastPath's lcore, waking from its
    /// sleep, used to read() the kick eventfds to consume a pending kick, and with none pending it
    /// blocked there for good: nothing more was forwarded on any of its ports.
    @Test func aFrontEndWithBlockingEventfdsIsServedLikeAnyOther() throws {
        let bench = try Bench()
        let front = try HostileFrontEnd(socket: bench.socket)
        try front.start(blockingEventfds: true)
        #expect(bench.wait { bench.vhost.linkUp })
        usleep(200_000)  // the idle lcore sleeps and wakes several times (20 ms each)
        bench.sendToRing(100)
        front.transmit(100)
        let served = bench.wait { bench.forwarder.counters(1).rxPackets == 100 && bench.forwarder.counters(0).rxPackets == 100 }
        #expect(served, "ring port \(bench.forwarder.counters(1).rxPackets), vhost port \(bench.forwarder.counters(0).rxPackets) of 100 each")
        #expect(front.transmitted == 100)
        // Kicks for both queues, so a lcore blocked on one (the old behaviour) gets out and the test ends.
        front.kick(0)
        front.kick(1)
        bench.forwarder.stop()
    }

    /// The FastPath program serving a front-end with blocking eventfds forwards its frames and, on
    /// SIGTERM, prints its statistics and exits — where its lcore once blocked in read() for good and
    /// "preparing to exit" never finished.
    @Test func fastPathWithABlockingFrontEndExitsOnSIGTERM() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let socket = FileManager.default.temporaryDirectory.appendingPathComponent("fp-hostile-term-\(getpid()).sock").path
        // Spawned with every signal at its default and none blocked, as labrunner starts it (a child of
        // the test runner would inherit its mask).
        let argv = [
            root.appendingPathComponent(".build/debug/fastpath").path, "-l", "0-1", "--no-pci", "--vdev", "net_vhost0,iface=\(socket)", "--vdev",
            "net_ring0", "--", "--forward-mode=rxonly",
        ]
        var input: [Int32] = [0, 0], output: [Int32] = [0, 0]
        pipe(&input)
        pipe(&output)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, input[0], 0)
        posix_spawn_file_actions_adddup2(&actions, output[1], 1)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var all = sigset_t(), none = sigset_t()
        sigfillset(&all)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        var pid: pid_t = 0
        let pointers = argv.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        #expect(posix_spawn(&pid, argv[0], &actions, &attributes, pointers, environ) == 0)
        close(input[0])
        close(output[1])
        defer {
            kill(pid, SIGKILL)
            close(input[1])
        }
        func running() -> Bool {
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == 0
        }
        var front: HostileFrontEnd?
        for _ in 0..<100 where front == nil {
            front = try? HostileFrontEnd(socket: socket)
            if front == nil { usleep(50_000) }
        }
        let hostile = try #require(front)
        try hostile.start(blockingEventfds: true)
        usleep(300_000)  // the idle lcore sleeps and wakes
        hostile.transmit(100)
        usleep(300_000)
        kill(pid, SIGTERM)
        let deadline = Date().addingTimeInterval(5)
        var exited = !running()
        while !exited && Date() < deadline {
            usleep(20_000)
            exited = !running()
        }
        #expect(exited, "FastPath did not exit within 5 s of SIGTERM")
        if !exited {  // the old hang: a kick lets the lcore out, else it is killed
            hostile.kick(0)
            hostile.kick(1)
            usleep(2_000_000)
            kill(pid, SIGKILL)
        }
        let printed = String(decoding: FileHandle(fileDescriptor: output[0], closeOnDealloc: true).readDataToEndOfFile(), as: UTF8.self)
        #expect(printed.contains("Forward statistics for port 0") && printed.contains("RX-packets: 100"), "\(printed)")
    }

    /// SET_VRING_NUM on a running queue used to change its size without checking its rings again:
    /// growing a 256-entry ring to 32768 made FastPath take frames from memory past the ring.
    @Test func aRingResizedWhileItRunsEndsTheConnection() throws {
        let bench = try Bench()
        let front = try HostileFrontEnd(socket: bench.socket)
        try front.start()
        #expect(bench.wait { bench.vhost.linkUp })
        front.transmit(10)
        #expect(bench.wait { bench.forwarder.counters(0).rxPackets == 10 })
        try front.ringSize(1, 32768)
        #expect(bench.wait { bench.vhost.lastError != nil && !bench.vhost.linkUp })
        #expect(bench.vhost.lastError == "vhost-user message out of order: queue 1: SET_VRING_NUM while the queue runs (stop it with GET_VRING_BASE first)")
        // An available index a 32768-entry ring allows: its entries past the 256th lie outside the ring.
        (front.memory + HostileFrontEnd.rings(1).available).storeBytes(of: UInt16(1000), toByteOffset: 2, as: UInt16.self)
        front.kick(1)
        usleep(100_000)
        #expect(bench.forwarder.counters(0).rxPackets == 10)
        // The lcore serves its other port as before.
        bench.sendToRing(50)
        #expect(bench.wait { bench.forwarder.counters(1).rxPackets == 50 })
        bench.forwarder.stop()
    }
}
