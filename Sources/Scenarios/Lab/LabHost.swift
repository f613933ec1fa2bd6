/// A host of a lab: how to reach it and what it can do.
public struct LabHost: Sendable {
    /// Name (the role name scenarios use).
    public var name: String
    /// Address (ssh labs) or the namespace's address (virtual lab).
    public var address: String
    /// SSH user.
    public var user: String
    /// SSH port.
    public var port: Int
    /// Network namespace (virtual lab).
    public var namespace: String?
    /// Capabilities.
    public var capabilities: Set<String>
    /// Cores available.
    public var cores: CoreList?
    /// Memory available to guests.
    public var memory: Quantity?
    /// Working directory.
    public var workdir: String
    /// SSH jump host.
    public var jump: String?
    /// SSH key.
    public var key: String?
    /// known_hosts file the host key is checked against.
    public var knownHosts: String = "~/.ssh/known_hosts"
    /// Record unknown host keys instead of refusing them.
    public var acceptNewHostKeys = false
    /// Network namespace to connect from.
    public var connectFrom: String?
    /// Environment variable or file holding the SSH password.
    public var passwordEnv: String?, passwordFile: String?
    /// The DPDK release on the host, when the lab says: forwarder lines take its options.
    public var dpdk: DPDKVersion?
    /// libssh2 (default) or openssh (the ssh binary with ControlMaster).
    public var sshTransport = "libssh2"
    /// A virtual lab host in SSH mode: its namespace is made and wired as usual, but labrunner reaches it
    /// only over SSH (from `connectFrom`).
    public var overSSH = false

    /// The namespace labrunner runs this host's commands in directly; nil for a host reached over SSH.
    public var directNamespace: String? { overSSH ? nil : namespace }

    /// The socket of the libvirtd labrunner starts in a virtual lab host's namespace.
    public var libvirtSocket: String { "\(workdir)/libvirt/libvirt-sock" }

    /// How commands reach the host, as a shell prefix.
    public var transport: String {
        if let namespace = directNamespace { return "ip netns exec \(namespace)" }
        var parts = ["ssh"]
        if port != 22 { parts.append("-p \(port)") }
        if let jump { parts.append("-J \(jump)") }
        parts.append("\(user)@\(address)")
        return parts.joined(separator: " ")
    }
}
