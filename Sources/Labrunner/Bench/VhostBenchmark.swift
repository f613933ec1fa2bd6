import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// vhost-user throughput, side by side in one run, alternating rounds:
///   forward — dpdk-testpmd virtio_user txonly (CPU 0) into FastPath net_vhost rxonly (CPU 1), against
///             the same sender into dpdk-testpmd net_vhost rxonly (CPU 1);
///   reverse — FastPath virtio_user txonly (CPU 0) into dpdk-testpmd net_vhost rxonly (CPU 1), against
///             dpdk-testpmd virtio_user txonly into the same receiver.
/// The DPDK side runs on hugepages (`--in-memory --single-file-segments`); the bench reserves 2 MiB
/// pages if none are and gives them back afterwards. Rates are the receivers' own Rx-pps.
struct VhostBenchmark {
    let seconds: Int
    let rounds: Int
    let fastpath: String
    let testpmd: String

    struct Result {
        var forwardFastPath: [Double] = [], forwardTestpmd: [Double] = []
        var reverseFastPath: [Double] = [], reverseTestpmd: [Double] = []

        /// Each round's FastPath rate over testpmd's, measured back to back; their median is the ratio
        /// (this machine changes speed between rounds, so rates are only compared within a round).
        static func ratios(_ fastpath: [Double], _ testpmd: [Double]) -> [Double] { zip(fastpath, testpmd).map { $0 / $1 } }

        var forwardRatio: Double { Median.of(Self.ratios(forwardFastPath, forwardTestpmd)) }
        var reverseRatio: Double { Median.of(Self.ratios(reverseFastPath, reverseTestpmd)) }

        var summary: String {
            func list(_ v: [Double], _ format: String = "%.2f") -> String { v.map { String(format: format, $0) }.joined(separator: ", ") }
            let m = Median.of
            return [
                "forward: dpdk-testpmd virtio_user txonly (CPU 0) → net_vhost rxonly (CPU 1), \(forwardFastPath.count) alternating rounds",
                "  into FastPath net_vhost:     \(list(forwardFastPath)) Mpps (median \(String(format: "%.2f", m(forwardFastPath))))",
                "  into dpdk-testpmd net_vhost: \(list(forwardTestpmd)) Mpps (median \(String(format: "%.2f", m(forwardTestpmd))))",
                "  per round: \(list(Self.ratios(forwardFastPath, forwardTestpmd), "%.3f"))",
                String(format: "  ratio: %.3f", forwardRatio),
                "reverse: virtio_user txonly (CPU 0) → dpdk-testpmd net_vhost rxonly (CPU 1)",
                "  from FastPath virtio_user:     \(list(reverseFastPath)) Mpps (median \(String(format: "%.2f", m(reverseFastPath))))",
                "  from dpdk-testpmd virtio_user: \(list(reverseTestpmd)) Mpps (median \(String(format: "%.2f", m(reverseTestpmd))))",
                "  per round: \(list(Self.ratios(reverseFastPath, reverseTestpmd), "%.3f"))",
                String(format: "  ratio: %.3f", reverseRatio),
                String(format: "ratio: %.3f", min(forwardRatio, reverseRatio)),
            ].joined(separator: "\n")
        }
    }

    func run() async throws -> Result {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-bench-vhost-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let reserved = try Self.reserveHugepages(512)
        defer {
            try? FileManager.default.removeItem(at: scratch)
            if let previous = reserved { try? "\(previous)".write(toFile: "/proc/sys/vm/nr_hugepages", atomically: false, encoding: .utf8) }
        }
        let socket = scratch.appendingPathComponent("vhost.sock").path
        let dpdk = ["--no-pci", "--in-memory", "--single-file-segments", "-m", "256"]
        let receiverTestpmd = [testpmd, "-l", "0-1"] + dpdk + ["--file-prefix", "lrvr\(getpid())", "--vdev", "net_vhost0,iface=\(socket)",
                                                             "--", "-i", "--forward-mode=rxonly", "--port-topology=loop", "--total-num-mbufs=8192"]
        let receiverFastPath = [fastpath, "-l", "0-1", "--control-socket", scratch.appendingPathComponent("fpr.sock").path,
                                "--vdev", "net_vhost0,iface=\(socket)", "--", "-i", "--forward-mode=rxonly", "--port-topology=loop"]
        let senderTestpmd = [testpmd, "--lcores", "0@0,1@0"] + dpdk + ["--file-prefix", "lrvs\(getpid())", "--vdev", "net_virtio_user0,path=\(socket)",
                                                                    "--", "-i", "--forward-mode=txonly", "--port-topology=loop", "--total-num-mbufs=8192"]
        let senderFastPath = [fastpath, "-l", "1,0", "--control-socket", scratch.appendingPathComponent("fps.sock").path,
                              "--vdev", "virtio_user0,path=\(socket)", "--", "-i", "--forward-mode=txonly", "--port-topology=loop"]
        var r = Result()
        for round in 0..<rounds {
            func log(_ name: String) -> URL { scratch.appendingPathComponent("\(name)-\(round).log") }
            r.forwardFastPath.append(try await trial(receiver: receiverFastPath, sender: senderTestpmd, log: log("fwd-fastpath")))
            r.forwardTestpmd.append(try await trial(receiver: receiverTestpmd, sender: senderTestpmd, log: log("fwd-testpmd")))
            r.reverseFastPath.append(try await trial(receiver: receiverTestpmd, sender: senderFastPath, log: log("rev-fastpath")))
            r.reverseTestpmd.append(try await trial(receiver: receiverTestpmd, sender: senderTestpmd, log: log("rev-testpmd")))
        }
        return r
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
    static func reserveHugepages(_ pages: Int) throws -> Int? {
        let path = "/proc/sys/vm/nr_hugepages"
        let current = Int((try String(contentsOfFile: path, encoding: .utf8)).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        guard current < pages else { return nil }
        try "\(pages)".write(toFile: path, atomically: false, encoding: .utf8)
        return current
    }
}
