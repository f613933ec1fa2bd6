import Foundation

/// N sequential `true` commands to a namespace host running sshd: over one persistent libssh2
/// connection, and with the `ssh` binary multiplexed through ControlMaster, side by side.
package struct SSHBenchmark {
    package let commands: Int

    /// Creates it from its parts.
    package init(commands: Int) {
        self.commands = commands
    }

    package struct Result {
        let namespaces: [String]
        let libssh2: [Double], controlMaster: [Double]
        var libssh2Median: Double { Median.of(libssh2) }
        var controlMasterMedian: Double { Median.of(controlMaster) }
        package var summary: String {
            "host: sshd in namespace \(namespaces[0]), clients in \(namespaces[1]) (both removed)\n"
                + String(
                    format: "libssh2: %d commands, median %.3f ms per command\nssh ControlMaster: %d commands, median %.3f ms per command\nratio: %.3f",
                    libssh2.count, libssh2Median, controlMaster.count, controlMasterMedian, libssh2Median / controlMasterMedian)
        }
    }

    package func run() async throws -> Result {
        let server = try await NamespaceSSHServer()
        do {
            let result = try await measure(server)
            await server.tearDown()
            return result
        } catch {
            await server.tearDown()
            throw error
        }
    }

    private func measure(_ server: NamespaceSSHServer) async throws -> Result {
        let connection = LibSSH2Connection(options: server.options())
        try await connection.connect()
        var libssh2: [Double] = []
        for _ in 0..<commands {
            let started = ContinuousClock.now
            let result = try await connection.exec("true", timeout: .seconds(10))
            guard result.status == 0 else { throw BenchError("true exited \(result.status) over libssh2") }
            libssh2.append(Self.milliseconds(ContinuousClock.now - started))
        }
        // The ssh loop runs inside the client namespace, timing each command there (no ip netns exec per command).
        let control = server.directory.appendingPathComponent("cm").path
        let ssh =
            "ssh -q -i \(server.clientKey) -o UserKnownHostsFile=\(server.knownHosts) -o StrictHostKeyChecking=yes -o BatchMode=yes -o ControlPath=\(control)"
        let script = """
            set -e
            \(ssh) -o ControlMaster=yes -o ControlPersist=60 -N -f root@\(server.address)
            for i in $(seq \(commands)); do
                start=$(date +%s%N); \(ssh) root@\(server.address) true; end=$(date +%s%N)
                echo $((end - start))
            done
            \(ssh) -O exit root@\(server.address) 2>/dev/null || true
            """
        let result = try await LocalExecutor.run(["ip", "netns", "exec", server.clientNamespace, "sh", "-c", script], timeout: .seconds(600))
        guard result.status == 0 else { throw BenchError("ssh ControlMaster loop failed: \(result.stderr.suffix(300))") }
        let controlMaster = result.stdout.split(separator: "\n").compactMap { Double($0) }.map { $0 / 1_000_000 }
        return Result(namespaces: [server.serverNamespace, server.clientNamespace], libssh2: libssh2, controlMaster: controlMaster)
    }

    package static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
