import Foundation

/// A testpmd-like program (dpdk-testpmd or FastPath) driven at its `testpmd>` prompt on a PTY, for
/// the benchmarks: both are started, commanded and measured the same way.
struct PromptProgram {
    static let prompt = "testpmd> $"
    let session: PTYSession

    /// Starts `argv` and waits for its prompt.
    static func start(_ argv: [String], log: URL) async throws -> PromptProgram {
        let session = try PTYSession(argv: argv, log: log)
        do {
            _ = try await session.expect(prompt, timeout: .seconds(60))
        } catch {
            await session.close()
            throw BenchError("\(argv[0]) did not reach its prompt (log: \(log.path)): \(error)")
        }
        return PromptProgram(session: session)
    }

    /// Runs a command; returns its output.
    @discardableResult
    func command(_ line: String) async throws -> String {
        try await session.send(line)
        return try await session.expect(Self.prompt, timeout: .seconds(20)).text
    }

    /// Receive rate per port of `ports` (their mean), sampled each second for `seconds` from the
    /// program's own "Throughput (since last show)": the median sample, so a second in which the
    /// machine stalled does not decide the trial.
    func rxMpps(ports: [Int], over seconds: Int) async throws -> Double {
        try await command("show port stats all")
        var samples = [Double]()
        for _ in 0..<max(1, seconds) {
            try await Task.sleep(for: .seconds(1))
            let stats = try PortStatsParser().parse(try await command("show port stats all"))
            let rates = try ports.map { port throws -> Double in
                guard let pps = stats["\(port).rx_pps"].flatMap({ Double($0.dropLast(3)) }) else { throw BenchError("no Rx-pps for port \(port)") }
                return pps / 1e6
            }
            samples.append(rates.reduce(0, +) / Double(rates.count))
        }
        return Median.of(samples)
    }

    /// Resident memory now, MiB.
    var rssMiB: Double {
        guard let status = try? String(contentsOfFile: "/proc/\(session.processGroup)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kb = line.split(separator: " ").compactMap({ Double($0) }).first
        else { return 0 }
        return kb / 1024
    }

    /// Quits and closes the terminal.
    func quit() async {
        try? await session.send("quit")
        try? await Task.sleep(for: .milliseconds(300))
        await session.close()
    }
}
