import Foundation

/// A lab: the embedded virtual lab or real hosts over SSH.
public struct Lab: Sendable {
    /// Name.
    public var name: String
    /// virtual or ssh.
    public var kind: String
    /// The file it came from.
    public var file: String
    /// kvm, tcg or auto.
    public var accel: String
    /// fastpath or testpmd.
    public var forwarder: String
    /// Binaries.
    public var testpmdPath: String, fastpathPath: String, pdumpPath: String, qemuPath: String, ethtoolPath: String
    /// libvirt URI template.
    public var libvirtURI: String
    /// Lab-wide capabilities.
    public var capabilities: Set<String>
    /// Named hosts.
    public var hosts: [LabHost]
    /// Host for unnamed host roles.
    public var defaultHost: String?
    /// Virtual lab: address pool, namespace prefix, per-host budgets, guest boot files, memory backing, emulated parts.
    public var subnet: String, namespacePrefix: String
    /// Virtual lab per-host cores and memory.
    public var virtualCores: CoreList?, virtualMemory: Quantity?
    /// Guest kernel and initrd for disk-less guests.
    public var guestKernel: String?, guestInitrd: String?
    /// The read-only disk image attached to disk-less guests a forwarder runs in (FastPath and its
    /// libraries, from `labrunner lab build-guest`).
    public var guestFastPath: String?
    /// Guest memory backing override.
    public var memoryBacking: String
    /// Emulated parts.
    public var emulate: Set<String>
    /// Working directory root.
    public var workdir: String
    /// Defaults of scenario params for runs on this lab.
    public var paramDefaults = LabParamDefaults()
    /// A virtual lab in SSH mode: its hosts are namespaces as usual, each with an sshd, and labrunner
    /// reaches them only over SSH, from a namespace of its own on the management network.
    public var overSSH = false

    /// SSH mode: how labrunner reaches the hosts (its client's namespace and address, the keys' directory).
    public var sshClient: SSHModeAccess? {
        guard isVirtual, overSSH, let address = subnetAddress(9) else { return nil }
        return SSHModeAccess(namespace: "\(namespacePrefix).ssh", address: address, directory: "\(workdir)/ssh")
    }

    /// The subnet's address `offset` past its base (virtual lab), when the subnet is an IPv4 one.
    private func subnetAddress(_ offset: Int) -> String? {
        let base = subnet.split(separator: "/").first.map(String.init) ?? "198.51.100.0"
        let octets = base.split(separator: ".").compactMap { Int($0) }
        guard octets.count == 4 else { return nil }
        return "\(octets[0]).\(octets[1]).\(octets[2]).\(octets[3] + offset)"
    }

    /// Whether this is the embedded virtual lab.
    public var isVirtual: Bool { kind == "virtual" }

    /// The libvirt a host's domains live in: the lab's URI template filled with the host's address, or,
    /// on a virtual lab host, the libvirtd labrunner starts in that host's namespace (its socket in the
    /// host's working directory).
    public func libvirtURI(of host: LabHost) -> String {
        if isVirtual, host.namespace != nil {
            // In SSH mode, through the host's sshd to the same socket.
            return host.overSSH ? "qemu+ssh://root@\(host.address)/system?socket=\(host.libvirtSocket)" : "qemu+unix:///system?socket=\(host.libvirtSocket)"
        }
        return libvirtURI.replacingOccurrences(of: "${host}", with: host.address)
    }

    /// Whether a capability is available. Emulated parts (an e1000 standing in for a VF) change how
    /// roles are rendered but do not satisfy `requires`: host steps on real SR-IOV sysfs still skip.
    public func has(_ capability: String, on host: LabHost?) -> Bool {
        capabilities.contains(capability) || (host?.capabilities.contains(capability) ?? false)
    }

    /// Binds a scenario's host roles to lab hosts: by name, else the default host (ssh labs), else a new
    /// namespace host with the next address of the subnet (virtual lab). Devices (a switch, a traffic
    /// generator) bind by name, get a namespace in the virtual lab, and stay external otherwise.
    /// Returns role name → host.
    public func bind(hostRoles: [String], deviceRoles: [String] = []) -> (hosts: [String: LabHost], problems: [String]) {
        var out: [String: LabHost] = [:]
        var problems: [String] = []
        for (index, role) in (hostRoles + deviceRoles).enumerated() {
            let isDevice = index >= hostRoles.count
            if let named = hosts.first(where: { $0.name == role }) {
                out[role] = named
            } else if isVirtual, let address = subnetAddress(10 + index) {
                let ns = "\(namespacePrefix)-\(role)"
                var host = LabHost(
                    name: role, address: address, user: "root", port: 22, namespace: ns, capabilities: capabilities,
                    cores: virtualCores, memory: virtualMemory, workdir: "\(workdir)/\(role)", jump: nil, key: nil)
                if let client = sshClient {
                    host.overSSH = true
                    (host.key, host.knownHosts, host.connectFrom) = (client.clientKey, client.knownHosts, client.namespace)
                }
                out[role] = host
            } else if isDevice {
                continue
            } else if let fallback = defaultHost, let host = hosts.first(where: { $0.name == fallback }) {
                out[role] = host
            } else {
                problems.append("lab '\(name)' has no host for role '\(role)' and no default_host")
            }
        }
        return (out, problems)
    }

    /// The program that runs forwarder `role`: the one it names (`program:`), else the lab's forwarder.
    public func program(running role: Role) -> String { role.forwarder?.program ?? forwarder }
}
