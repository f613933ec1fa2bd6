import Foundation
@testable import Labrunner

/// A network namespace of the test's own (unique name, IPv6 off so the kernel sends nothing
/// unasked) with veth pairs, where FastPath processes run at their `testpmd>` prompts. `tearDown`
/// kills everything inside and deletes the namespace.
final class FastPathLab: @unchecked Sendable {
    let namespace = "fp" + String(UUID().uuidString.prefix(8)).lowercased()
    let directory: URL
    private var sessions: [PTYSession] = []
    static var binary: String { CLI.root.appendingPathComponent(".build/debug/fastpath").path }

    init(veths: [(String, String)]) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-\(namespace)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        _ = CLI.shell("ip netns add \(namespace)")
        _ = CLI.shell("ip netns exec \(namespace) sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1")
        _ = CLI.shell("ip -n \(namespace) link set lo up")
        for (a, b) in veths {
            _ = CLI.shell("ip -n \(namespace) link add \(a) type veth peer name \(b) && ip -n \(namespace) link set \(a) up && ip -n \(namespace) link set \(b) up")
        }
    }

    /// Runs a command inside the namespace; returns stdout.
    func shell(_ command: String) -> String { CLI.shell("ip netns exec \(namespace) sh -c '\(command)'") }

    /// Starts FastPath (`-i`) inside the namespace with `arguments`, waits for its prompt.
    func fastpath(_ name: String, _ arguments: [String]) async throws -> FastPathPrompt {
        let session = try PTYSession(argv: ["ip", "netns", "exec", namespace, Self.binary] + arguments,
                                     log: directory.appendingPathComponent("\(name).log"))
        sessions.append(session)
        let prompt = FastPathPrompt(session: session)
        _ = try await session.expect("testpmd> $", timeout: .seconds(30))
        return prompt
    }

    /// Starts any program inside the namespace on a PTY.
    func spawn(_ name: String, _ argv: [String]) throws -> PTYSession {
        let session = try PTYSession(argv: ["ip", "netns", "exec", namespace] + argv, log: directory.appendingPathComponent("\(name).log"))
        sessions.append(session)
        return session
    }

    func tearDown() async {
        for s in sessions { await s.close() }
        _ = CLI.shell("ip netns pids \(namespace) | xargs -r kill -9; ip netns del \(namespace)")
        try? FileManager.default.removeItem(at: directory)
    }
}

/// A FastPath at its prompt.
struct FastPathPrompt: Sendable {
    let session: PTYSession

    /// Sends a command, returns its output up to the next prompt.
    @discardableResult
    func command(_ line: String, timeout: Duration = .seconds(20)) async throws -> String {
        try await session.send(line)
        return try await session.expect("testpmd> $", timeout: timeout).text
    }

    /// A port's counters, read with the engine's own testpmd parser.
    func stats(_ port: Int) async throws -> [String: String] {
        try PortStatsParser().parse(try await command("show port stats \(port)"))
    }
}
