import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// FastPath against dpdk-testpmd, side by side in one run: io forwarding between two null ports on
/// one forwarding core (lcore 1), both driven at their `testpmd>` prompts the same way, alternating
/// rounds so the machine's noise hits both. Reads each one's own "Throughput (since last show)",
/// FastPath's allocations inside its forwarding loop (its malloc counter) and its RSS after start.
package struct FastPathBenchmark {
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

    package struct Trial {
        let mpps: Double
        let rssMiB: Double
        let loopAllocations: (UInt64, UInt64)?
    }

    package struct Result {
        let testpmd: [Trial]
        let fastpath: [Trial]

        package var summary: String {
            let t = Median.of(testpmd.map(\.mpps))
            let f = Median.of(fastpath.map(\.mpps))
            var lines = ["io forwarding, 2 net_null ports, 1 forwarding core (lcore 1), \(testpmd.count) alternating rounds"]
            lines.append(
                "dpdk-testpmd: " + testpmd.map { String(format: "%.1f", $0.mpps) }.joined(separator: ", ") + String(format: " Mpps per port (median %.1f)", t))
            lines.append(
                "fastpath:     " + fastpath.map { String(format: "%.1f", $0.mpps) }.joined(separator: ", ") + String(format: " Mpps per port (median %.1f)", f))
            let allocations = fastpath.compactMap(\.loopAllocations).reduce((UInt64(0), UInt64(0))) { ($0.0 + $1.0, $0.1 + $1.1) }
            lines.append(
                "fastpath allocations in the forwarding loop: \(allocations.0) over \(allocations.1) packets (\(allocations.1 == 0 ? "n/a" : String(format: "%.9f", Double(allocations.0) / Double(allocations.1))) per packet)"
            )
            lines.append(
                String(
                    format: "fastpath RSS after start: %.1f MiB (default pool); dpdk-testpmd: %.1f MiB", fastpath.map(\.rssMiB).max() ?? 0,
                    testpmd.map(\.rssMiB).max() ?? 0))
            lines.append(String(format: "ratio: %.3f", f / t))
            return lines.joined(separator: "\n")
        }
    }

    package func run() async throws -> Result {
        var t = [Trial](), f = [Trial]()
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-bench-fastpath-\(getpid())")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        for round in 0..<rounds {
            t.append(
                try await trial(
                    [
                        testpmd, "-l", "0-1", "--no-huge", "-m", "512", "--no-pci", "--file-prefix", "lrbench\(getpid())",
                        "--vdev", "net_null0", "--vdev", "net_null1", "--", "-i", "--forward-mode=io", "--nb-cores=1",
                        "--total-num-mbufs=16384",
                    ], log: scratch.appendingPathComponent("testpmd-\(round).log")))
            f.append(
                try await trial(
                    [
                        fastpath, "-l", "0-1", "--control-socket", scratch.appendingPathComponent("fp.sock").path,
                        "--vdev", "net_null0", "--vdev", "net_null1", "--", "-i", "--forward-mode=io", "--nb-cores=1",
                    ],
                    log: scratch.appendingPathComponent("fastpath-\(round).log")))
        }
        return Result(testpmd: t, fastpath: f)
    }

    private func trial(_ argv: [String], log: URL) async throws -> Trial {
        let program = try await PromptProgram.start(argv, log: log)
        do {
            try await program.command("start")
            let rss = program.rssMiB
            try await Task.sleep(for: .seconds(1))
            let mpps = try await program.rxMpps(ports: [0, 1], over: seconds)
            try await program.command("stop")
            var allocations: (UInt64, UInt64)?
            if argv[0].hasSuffix("fastpath") { allocations = Self.loopAllocations(try await program.command("show memory")) }
            await program.quit()
            return Trial(mpps: mpps, rssMiB: rss, loopAllocations: allocations)
        } catch {
            await program.quit()
            throw error
        }
    }

    /// "Allocations in forwarding loops: A over P packets".
    package static func loopAllocations(_ text: String) -> (UInt64, UInt64)? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Allocations in forwarding loops:") }) else { return nil }
        let numbers = line.split(separator: " ").compactMap { UInt64($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }
}
