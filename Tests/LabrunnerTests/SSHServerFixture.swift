import Foundation

/// A real OpenSSH server in a network namespace of its own, reached from a second namespace over a
/// veth pair (198.51.100.1 ↔ .2): nothing touches the machine's own interfaces or addresses.
final class SSHServerFixture {
    let prefix: String
    let directory: URL
    let address = "198.51.100.2"
    var serverNamespace: String { "\(prefix)s" }
    var clientNamespace: String { "\(prefix)c" }
    var clientKey: String { directory.appendingPathComponent("id_ed25519").path }
    var knownHosts: String { directory.appendingPathComponent("known_hosts").path }

    init() throws {
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
        echo "\(address) $(cut -d' ' -f1,2 \(d)/host_ed25519.pub)" > \(d)/known_hosts
        cat > \(d)/sshd_config <<CONFIG
        Port 22
        ListenAddress \(address)
        HostKey \(d)/host_ed25519
        PidFile \(d)/sshd.pid
        AuthorizedKeysFile \(d)/authorized_keys
        StrictModes no
        UsePAM no
        PasswordAuthentication no
        KbdInteractiveAuthentication no
        PermitRootLogin prohibit-password
        CONFIG
        """
        let result = CLI.shell("(\(setup)\n) 2>&1; echo rc=$?")
        guard result.hasSuffix("rc=0\n") else { throw FixtureError(message: result) }
        try startServer()
    }

    struct FixtureError: Error { let message: String }

    /// Starts (or restarts) sshd, which daemonizes inside the namespace, and waits until it listens.
    func startServer() throws {
        _ = CLI.shell("ip netns exec \(serverNamespace) /usr/sbin/sshd -f \(directory.appendingPathComponent("sshd_config").path)")
        guard CLI.waitUntil(5, { CLI.shell("ip netns exec \(self.serverNamespace) ss -ltn").contains("\(self.address):22") }) else {
            throw FixtureError(message: "sshd did not start")
        }
    }

    /// Stops sshd and every connection it serves (a dropped connection, from the client's side).
    func stopServer() {
        _ = CLI.shell("ip netns pids \(serverNamespace) | xargs -r kill -s KILL")
        _ = CLI.waitUntil(5) { CLI.shell("ip netns pids \(self.serverNamespace)").isEmpty }
    }

    /// Gives the server a new host key (as a reinstalled host would have).
    func changeHostKey() throws {
        stopServer()
        _ = CLI.shell("rm -f \(directory.path)/host_ed25519*; ssh-keygen -q -t ed25519 -N '' -f \(directory.path)/host_ed25519")
        try startServer()
    }

    func tearDown() {
        stopServer()
        _ = CLI.shell("ip netns del \(serverNamespace); ip netns del \(clientNamespace)")
        try? FileManager.default.removeItem(at: directory)
    }
}
