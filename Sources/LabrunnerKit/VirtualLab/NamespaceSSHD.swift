import Foundation
import Scenarios

/// An OpenSSH server in a network namespace, listening on one address there: its config, and a start
/// that waits until it listens. It runs in the mount namespace `ip netns exec` makes, so what `setup`
/// mounts there (root's ~/.bashrc replaced, the test server's shadow file) is seen by its sessions only.
/// The SSH test server and the virtual lab's SSH mode both start theirs with it.
struct NamespaceSSHD {
    let namespace: String
    let address: String
    /// Where its config and pid file go.
    let directory: String
    let hostKey: String
    let authorizedKeys: String
    /// What root's ~/.bashrc is for its sessions (bash reads it under sshd): not the machine's own,
    /// whose tools (pyenv rehash) may leave lock files behind a killed connection.
    let bashrc: String
    /// Shell lines run in its mount namespace before sshd starts.
    var setup: [String] = []
    var passwords = false

    var configFile: String { "\(directory)/sshd-\(namespace).conf" }
    var pidFile: String { "\(directory)/sshd-\(namespace).pid" }

    var config: String {
        """
        Port 22
        ListenAddress \(address)
        HostKey \(hostKey)
        PidFile \(pidFile)
        AuthorizedKeysFile \(authorizedKeys)
        StrictModes no
        UsePAM no
        PasswordAuthentication \(passwords ? "yes" : "no")
        KbdInteractiveAuthentication no
        PermitRootLogin yes

        """
    }

    /// Writes its config and starts it (it daemonizes inside the namespace); returns once it listens.
    func start() async throws {
        try config.write(toFile: configFile, atomically: true, encoding: .utf8)
        let rc = "\(directory)/bashrc-\(namespace)"
        try bashrc.write(toFile: rc, atomically: true, encoding: .utf8)
        let inside =
            ["mkdir -p /run/sshd", "[ ! -f \"$HOME/.bashrc\" ] || mount --bind \(Shell.quote(rc)) \"$HOME/.bashrc\""] + setup
            + ["/usr/sbin/sshd -f \(Shell.quote(configFile))"]
        let started = try await LocalExecutor.run(
            ["ip", "netns", "exec", namespace, "sh", "-ec", inside.joined(separator: "\n")], timeout: .seconds(30))
        guard started.status == 0 else {
            throw LabSetupError("sshd in \(namespace): \(started.stderr.trimmingCharacters(in: .whitespacesAndNewlines).suffix(400))")
        }
        for _ in 0..<300 {
            if (try? await LocalExecutor.run(["ip", "netns", "exec", namespace, "ss", "-ltn"], timeout: .seconds(10)))?.stdout.contains("\(address):22") == true
            {
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LabSetupError("sshd did not start listening on \(address) in \(namespace)")
    }
}
