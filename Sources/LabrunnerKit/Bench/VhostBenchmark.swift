import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// vhost-user throughput, side by side in one run, alternating rounds:
///   forward — dpdk-testpmd virtio_user txonly (CPU 0) into FastPath net_vhost rxonly (CPU 1), against
///             the same sender into dpdk-testpmd net_vhost rxonly (CPU 1);
///   back-end capacity — the same two receivers fed by FastPath's virtio_user, a sender fast enough
///             that the receiver, not the sender, sets the rate;
///   reverse — FastPath virtio_user txonly (CPU 0) into dpdk-testpmd net_vhost rxonly (CPU 1), against
///             dpdk-testpmd virtio_user txonly into the same receiver.
/// Odd rounds measure the set-ups in the opposite order. The DPDK side runs on hugepages (`--in-memory
/// --single-file-segments`); the bench reserves 2 MiB pages if none are and gives them back afterwards.
/// Rates are the receivers' own Rx-pps.
package struct VhostBenchmark {
    package let seconds: Int
    package let rounds: Int
    package let fastpath: String
    package let testpmd: String

    /// Creates it from its parts.
    package init(seconds: Int, rounds: Int, fastpath: String, testpmd: String) {
        self.seconds = seconds
        self.rounds = rounds
        self.fastpath = fastpath
        self.testpmd = testpmd
    }

    package struct Result {
        var forward = PairedRounds(
            title: "forward: dpdk-testpmd virtio_user txonly (CPU 0) → net_vhost rxonly (CPU 1)",
            fastpath: "into FastPath net_vhost", testpmd: "into dpdk-testpmd net_vhost")
        var capacity = PairedRounds(
            title: "back-end capacity: FastPath virtio_user txonly (CPU 0) → net_vhost rxonly (CPU 1)",
            fastpath: "into FastPath net_vhost", testpmd: "into dpdk-testpmd net_vhost")
        var reverse = PairedRounds(
            title: "reverse: virtio_user txonly (CPU 0) → dpdk-testpmd net_vhost rxonly (CPU 1)",
            fastpath: "from FastPath virtio_user", testpmd: "from dpdk-testpmd virtio_user")

        /// The two comparisons decide; the capacity one shows what the forward one cannot
        /// (there the sender, the same program for both, sets the rate).
        var ratio: Double { min(forward.ratio, reverse.ratio) }

        package var summary: String {
            (forward.summary + capacity.summary + reverse.summary + [String(format: "ratio (forward and reverse): %.3f", ratio)])
                .joined(separator: "\n")
        }
    }

    package func run() async throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-bench-vhost-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let reserved = try Self.reserveHugepages(512)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            if let previous = reserved { try? "\(previous)".write(toFile: "/proc/sys/vm/nr_hugepages", atomically: false, encoding: .utf8) }
        }
        let socket = scratch.appendingPathComponent("vhost.sock").path
        let dpdk = ["--no-pci", "--in-memory", "--single-file-segments", "-m", "256"]
        let receiverTestpmd =
            [testpmd, "-l", "0-1"] + dpdk + [
                "--file-prefix", "lrvr\(getpid())", "--vdev", "net_vhost0,iface=\(socket)",
                "--", "-i", "--forward-mode=rxonly", "--port-topology=loop", "--total-num-mbufs=8192",
            ]
        let receiverFastPath = [
            fastpath, "-l", "0-1", "--control-socket", scratch.appendingPathComponent("fpr.sock").path,
            "--vdev", "net_vhost0,iface=\(socket)", "--", "-i", "--forward-mode=rxonly", "--port-topology=loop",
        ]
        let senderTestpmd =
            [testpmd, "--lcores", "0@0,1@0"] + dpdk + [
                "--file-prefix", "lrvs\(getpid())", "--vdev", "net_virtio_user0,path=\(socket)",
                "--", "-i", "--forward-mode=txonly", "--port-topology=loop", "--total-num-mbufs=8192",
            ]
        let senderFastPath = [
            fastpath, "-l", "1,0", "--control-socket", scratch.appendingPathComponent("fps.sock").path,
            "--vdev", "virtio_user0,path=\(socket)", "--", "-i", "--forward-mode=txonly", "--port-topology=loop",
        ]
        var r = Result()
        for round in 0..<rounds {
            func log(_ name: String) -> URL { scratch.appendingPathComponent("\(name)-\(round).log") }
            // Four set-ups, each measured once a round: testpmd's sender into either receiver, and
            // FastPath's. The reverse comparison shares its trials with the other two. Odd rounds run
            // them in the opposite order, so neither side of a comparison always goes first.
            let setups = [
                (receiverFastPath, senderTestpmd, "testpmd-fastpath"), (receiverTestpmd, senderTestpmd, "testpmd-testpmd"),
                (receiverFastPath, senderFastPath, "fastpath-fastpath"), (receiverTestpmd, senderFastPath, "fastpath-testpmd"),
            ]
            var rates = [Double](repeating: 0, count: setups.count)
            for i in Self.order(round: round, setups: setups.count) {
                rates[i] = try await trial(receiver: setups[i].0, sender: setups[i].1, log: log(setups[i].2))
            }
            let (testpmdIntoFastPath, testpmdIntoTestpmd, fastpathIntoFastPath, fastpathIntoTestpmd) = (rates[0], rates[1], rates[2], rates[3])
            r.forward.fastpath.append(testpmdIntoFastPath)
            r.forward.testpmd.append(testpmdIntoTestpmd)
            r.capacity.fastpath.append(fastpathIntoFastPath)
            r.capacity.testpmd.append(fastpathIntoTestpmd)
            r.reverse.fastpath.append(fastpathIntoTestpmd)
            r.reverse.testpmd.append(testpmdIntoTestpmd)
        }
        return r
    }

    /// The order a round measures its set-ups in: as listed in even rounds, reversed in odd ones.
    package static func order(round: Int, setups: Int) -> [Int] {
        round.isMultiple(of: 2) ? Array(0..<setups) : (0..<setups).reversed()
    }

    /// Starts the receiver (the back-end, listening), then the sender; measures at the receiver.
    private func trial(receiver: [String], sender: [String], log: URL) async throws -> Double {
        let rx = try await PromptProgram.start(receiver, log: log.deletingPathExtension().appendingPathExtension("rx.log"))
        var tx: PromptProgram?
        do {
            try await rx.command("start")
            tx = try await PromptProgram.start(sender, log: log.deletingPathExtension().appendingPathExtension("tx.log"))
            try await tx!.command("start")
            try await Task.sleep(for: .seconds(1))
            let mpps = try await rx.rxMpps(ports: [0], over: seconds)
            try await tx!.command("stop")
            await tx!.quit()
            await rx.quit()
            return mpps
        } catch {
            if let tx { await tx.quit() }
            await rx.quit()
            throw error
        }
    }

    /// Makes sure `pages` 2 MiB hugepages exist; returns the previous count when it changed it.
    package static func reserveHugepages(_ pages: Int) throws -> Int? {
        let path = "/proc/sys/vm/nr_hugepages"
        let current = Int((try String(contentsOfFile: path, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        guard current < pages else { return nil }
        try "\(pages)".write(toFile: path, atomically: false, encoding: .utf8)
        return current
    }
}
