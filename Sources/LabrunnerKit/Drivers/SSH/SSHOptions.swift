/// Where an SSH host is and how labrunner proves who it is and who the host is.
struct SSHOptions: Sendable {
    /// Address or name.
    var host: String
    /// Port.
    var port: Int = 22
    /// User.
    var user: String = "root"
    /// Private key (ed25519 or ECDSA in OpenSSH format); the public key is the same path plus `.pub`.
    /// When the file does not exist, the keys of the ssh-agent at `agent` are tried instead.
    var privateKey: String
    /// The ssh-agent socket (default: $SSH_AUTH_SOCK).
    var agent: String? = nil
    /// A password (from the lab's password_env or password_file, never from a scenario), used when
    /// there is no key file.
    var password: String? = nil
    /// known_hosts file used to verify the host key.
    var knownHosts: String
    /// Record keys of hosts not yet in known_hosts (never accepts a changed key).
    var acceptNewHostKeys = false
    /// Connect and handshake time limit.
    var connectTimeout: Duration = .seconds(10)
    /// Attempts to connect, with doubling backoff.
    var attempts = 3
    /// Keepalive interval in seconds.
    var keepalive = 15
    /// Connect from inside this network namespace (hosts of the virtual lab).
    var namespace: String?
    /// Jump hosts, outermost first: the connection goes through the last one, which is reached through
    /// the ones before it (each sshd forwards the TCP connection, direct-tcpip).
    var via: [SSHOptions] = []
}
