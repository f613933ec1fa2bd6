import FastPath
import Foundation

@testable import LabrunnerKit

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
            _ = CLI.shell(
                "ip -n \(namespace) link add \(a) type veth peer name \(b) && ip -n \(namespace) link set \(a) up && ip -n \(namespace) link set \(b) up")
        }
    }

    /// Runs `body` on a new lab and tears the lab down afterwards, also when `body` throws.
    static func with(veths: [(String, String)], _ body: (FastPathLab) async throws -> Void) async throws {
        let lab = try FastPathLab(veths: veths)
        do {
            try await body(lab)
        } catch {
            await lab.tearDown()
            throw error
        }
        await lab.tearDown()
    }

    /// Runs a command inside the namespace; returns stdout.
    func shell(_ command: String) -> String { CLI.shell("ip netns exec \(namespace) sh -c '\(command)'") }

    /// Starts FastPath (`-i`) inside the namespace with `arguments`, waits for its prompt.
    func fastpath(_ name: String, _ arguments: [String]) async throws -> FastPathPrompt {
        try await prompt(name, [Self.binary] + arguments)
    }

    /// Starts a program with a `testpmd>` prompt (FastPath or dpdk-testpmd) inside the namespace.
    func prompt(_ name: String, _ argv: [String]) async throws -> FastPathPrompt {
        let session = try spawn(name, argv)
        _ = try await session.expect("testpmd> $", timeout: .seconds(60))
        return FastPathPrompt(session: session)
    }

    /// Starts any program inside the namespace on a PTY.
    func spawn(_ name: String, _ argv: [String]) throws -> PTYSession {
        let session = try PTYSession(argv: ["ip", "netns", "exec", namespace] + argv, log: directory.appendingPathComponent("\(name).log"))
        sessions.append(session)
        return session
    }

    func tearDown() async {
        for s in sessions { await s.close() }
        // FastPath's runtime directory of this namespace (control sockets of processes killed here) goes too.
        let runtime = CLI.shell("ip netns exec \(namespace) stat -L -c %i /proc/self/ns/net").trimmingCharacters(in: .whitespacesAndNewlines)
        _ = CLI.shell("ip netns pids \(namespace) | xargs -r kill -9; ip netns del \(namespace)")
        if !runtime.isEmpty && runtime.allSatisfy(\.isNumber) {
            try? FileManager.default.removeItem(atPath: "/run/fastpath/net-\(runtime)")
            // Emulated NICs made here: their pinned programs and tables.
            _ = CLI.shell("rm -rf \(EmulatedNIC.root)/nic-\(runtime)-*")
        }
        try? FileManager.default.removeItem(at: directory)
    }
}

/// FastPath or dpdk-testpmd at its prompt.
struct FastPathPrompt: Sendable {
    let session: PTYSession

    /// Sends a command, returns its output up to the next prompt.
    @discardableResult
    func command(_ line: String, timeout: Duration = .seconds(20)) async throws -> String {
        try await session.send(line)
        return try await session.expect("testpmd> $", timeout: timeout).text
    }

    /// Quits and waits for the goodbye (a program that is already gone is fine).
    func quit() async {
        try? await session.send("quit")
        _ = try? await session.expect("Bye", timeout: .seconds(10))
    }

    /// A port's counters, read with the engine's own testpmd parser.
    func stats(_ port: Int) async throws -> [String: String] {
        try PortStatsParser().parse(try await command("show port stats \(port)"))
    }
}
