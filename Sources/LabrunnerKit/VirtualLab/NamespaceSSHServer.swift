import Foundation

/// A real OpenSSH server in a network namespace of its own, reached from a second namespace over a
/// veth pair (198.51.100.1 ↔ .2): nothing touches the machine's own interfaces or addresses. The SSH
/// benchmark and the SSH tests use it; it keys its own client (ed25519; an RSA key to show RSA's limit).
final class NamespaceSSHServer: @unchecked Sendable {
    let prefix: String
    let directory: URL
    let address = "198.51.100.2"
    var serverNamespace: String { "\(prefix)s" }
    var clientNamespace: String { "\(prefix)c" }
    var clientKey: String { directory.appendingPathComponent("id_ed25519").path }
    var knownHosts: String { directory.appendingPathComponent("known_hosts").path }
    /// root's password on this server only (its own shadow file).
    let password = "labrunner-test-" + String(UUID().uuidString.prefix(8))

    init() async throws {
        prefix = "ls" + String(UUID().uuidString.prefix(5)).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-ssh-\(prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let d = directory.path
        let setup = """
            set -e
            mkdir -p /run/sshd
            ip netns add \(serverNamespace)
            ip netns add \(clientNamespace)
            ip link add \(prefix)a netns \(clientNamespace) type veth peer name \(prefix)b netns \(serverNamespace)
            ip -n \(clientNamespace) addr add 198.51.100.1/30 dev \(prefix)a
            ip -n \(serverNamespace) addr add \(address)/30 dev \(prefix)b
            ip -n \(clientNamespace) link set \(prefix)a up
            ip -n \(serverNamespace) link set \(prefix)b up
            ip -n \(clientNamespace) link set lo up
            ip -n \(serverNamespace) link set lo up
            ssh-keygen -q -t ed25519 -N '' -f \(d)/host_ed25519
            ssh-keygen -q -t ed25519 -N '' -f \(d)/id_ed25519
            ssh-keygen -q -t rsa -b 2048 -N '' -f \(d)/id_rsa
            ssh-keygen -q -t ed25519 -N '' -f \(d)/stranger
            cat \(d)/id_ed25519.pub \(d)/id_rsa.pub > \(d)/authorized_keys
            hash=$(openssl passwd -6 '\(password)')
            awk -F: -v h="$hash" 'BEGIN{OFS=":"} $1=="root"{$2=h} {print}' /etc/shadow > \(d)/shadow
            chmod 600 \(d)/shadow
            echo "\(address) $(cut -d' ' -f1,2 \(d)/host_ed25519.pub)" > \(d)/known_hosts
            """
        let result = try await LocalExecutor.run(["sh", "-c", setup], timeout: .seconds(60))
        guard result.status == 0 else {
            await tearDown()
            throw LabSetupError("SSH test host: \(result.stderr.suffix(400))")
        }
        do {
            try await startServer()
        } catch {
            await tearDown()
            throw error
        }
    }

    private func sh(_ command: String) async -> ExecResult? {
        try? await LocalExecutor.run(["sh", "-c", command], timeout: .seconds(30))
    }

    /// Starts (or restarts) sshd, which daemonizes inside the namespace, and waits until it listens.
    /// It checks passwords against a shadow file of its own, bind-mounted where its sessions see it: the
    /// machine's /etc/shadow is never touched. \(d)/private is a tmpfs only the server's processes see:
    /// what is there is reachable only over SSH.
    func startServer() async throws {
        let d = directory.path
        try await NamespaceSSHD(
            namespace: serverNamespace, address: address, directory: d, hostKey: "\(d)/host_ed25519", authorizedKeys: "\(d)/authorized_keys",
            bashrc: "", setup: ["mkdir -p \(d)/private", "mount -t tmpfs lrprivate \(d)/private", "mount --bind \(d)/shadow /etc/shadow"],
            passwords: true
        ).start()
    }

    /// Stops sshd and every connection it serves (a dropped connection, from the client's side).
    func stopServer() async {
        for _ in 0..<100 {
            guard let pids = await sh("ip netns pids \(serverNamespace)"), !pids.stdout.isEmpty else { return }
            _ = await sh("ip netns pids \(serverNamespace) | xargs -r kill -s KILL")
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Gives the server a new host key (as a reinstalled host would have).
    func changeHostKey() async throws {
        await stopServer()
        _ = await sh("rm -f \(directory.path)/host_ed25519*; ssh-keygen -q -t ed25519 -N '' -f \(directory.path)/host_ed25519")
        try await startServer()
    }

    /// SSH options for a client connecting from the client namespace.
    func options(key: String? = nil, knownHosts: String? = nil, acceptNew: Bool = false) -> SSHOptions {
        SSHOptions(
            host: address, privateKey: key ?? clientKey, knownHosts: knownHosts ?? self.knownHosts,
            acceptNewHostKeys: acceptNew, connectTimeout: .seconds(5), attempts: 3, namespace: clientNamespace)
    }

    /// Stops sshd, removes both namespaces (and the veth pair with them) and the keys.
    func tearDown() async {
        await stopServer()
        _ = await sh("ip netns pids \(clientNamespace) | xargs -r kill -s KILL; ip netns del \(serverNamespace); ip netns del \(clientNamespace)")
        try? FileManager.default.removeItem(at: directory)
    }
}
