/// How labrunner reaches a virtual lab in SSH mode: the namespace its SSH client connects from, that
/// namespace's address on the management network, and the directory of the run's keys. The one place
/// the key files are named (the lab's hosts are bound with them; the provisioner makes them).
public struct SSHModeAccess: Sendable {
    public let namespace: String
    public let address: String
    public let directory: String

    /// labrunner's private key, and the known_hosts file with every host's key.
    public var clientKey: String { "\(directory)/id_ed25519" }
    public var knownHosts: String { "\(directory)/known_hosts" }
    /// The host key every host's sshd serves, and the keys it lets in.
    public var hostKey: String { "\(directory)/host_ed25519" }
    public var authorizedKeys: String { "\(directory)/authorized_keys" }
}
