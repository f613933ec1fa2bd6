/// The lab file language: where a scenario's roles really are and how to reach them.
public enum LabGrammar {
    static let text = Shape.scalar(.text)
    static let capabilities = Shape.list(.scalar(.text, choices: Capability.words))

    static let host = ObjectShape(
        "lab host",
        [
            Field("address", text, "IP address or name to reach it (ssh labs)."),
            Field("user", text, "SSH user (default root)."),
            Field("port", .scalar(.integer), "SSH port (default 22)."),
            Field("key", text, "Private key file (ed25519 or ECDSA, OpenSSH format)."),
            Field("password_env", text, "Environment variable holding the password (never in the scenario)."),
            Field("password_file", text, "File holding the password."),
            Field("known_hosts", text, "known_hosts file used to verify the host key (default ~/.ssh/known_hosts)."),
            Field("accept_new_host_keys", .scalar(.boolean), "Accept and record unknown host keys (never changed ones)."),
            Field("jump", text, "Jump host, user@host[:port], reached first."),
            Field("transport", .scalar(.text, choices: ["libssh2", "openssh"]), "libssh2 (default) or the ssh binary with ControlMaster."),
            Field("connect_from", .scalar(.identifier), "Network namespace to connect from (test labs whose hosts sit in namespaces)."),
            Field("cores", .scalar(.cores), "Cores labrunner may use there."),
            Field("memory", .scalar(.size), "Memory available for guests."),
            Field("capabilities", capabilities, "What this host can do, beyond the lab's."),
            Field("workdir", text, "Directory for sockets, logs and the FastPath binary."),
            Field("dpdk", text, "The DPDK release installed there (17.08, 22.11): testpmd lines take its EAL options (-w before 20.11, -a from it)."),
            Field("doc", text, "Description."),
        ])

    static let virtual = ObjectShape(
        "virtual lab settings",
        [
            Field("subnet", text, "Addresses for namespace hosts (198.51.100.0/24); never the machine's own."),
            Field("namespace_prefix", .scalar(.identifier), "Prefix of the network namespaces created (lr)."),
            Field(
                "reach", .scalar(.text, choices: ["netns", "ssh"]),
                "How labrunner reaches its hosts: netns (the default: it enters their namespaces) or ssh (an sshd in each host's namespace, reached only over SSH as a real lab is; `--lab virtual-ssh` is the embedded lab so)."
            ),
            Field("cores", .scalar(.cores), "Cores each virtual host may use."),
            Field("memory", .scalar(.size), "Memory each virtual host may give guests."),
            Field("guest_kernel", text, "Kernel booted by guests without a disk."),
            Field("guest_initrd", text, "Initramfs booted by guests without a disk."),
            Field(
                "guest_fastpath", text,
                "Read-only disk image attached to disk-less guests a forwarder runs in (labrunner lab build-guest writes it: FastPath and its libraries)."),
            Field(
                "memory_backing", .scalar(.text, choices: ["memfd", "hugepages", "as-written"]),
                "Backing used for guest memory: memfd (the default; needs no hugepages), or the scenario's own (hugepages needs hugetlbfs mounted at its path)."
            ),
            Field(
                "emulate", .list(.scalar(.text, choices: ["sriov", "switch", "trafficgen", "flow-steering"])),
                "Parts the lab emulates (VFs become emulated NICs, the switch a bridge, a NIC's flow director XDP steering)."),
            Field("workdir", text, "Directory for per-host sockets and logs."),
        ])

    /// The whole lab file.
    public static var lab: ObjectShape {
        ObjectShape(
            "lab",
            [
                Field("name", .scalar(.identifier), required: true, "Lab name."),
                Field(
                    "kind", .scalar(.text, choices: ["virtual", "ssh"]), required: true, "virtual: namespaces and TCG guests on this machine; ssh: real hosts."),
                Field("doc", text, "Description."),
                Field("accel", .scalar(.text, choices: ["auto", "kvm", "tcg"]), "QEMU accelerator (auto: KVM only where it really works)."),
                Field("forwarder", .scalar(.text, choices: ["fastpath", "testpmd"]), "What runs forwarder roles: labrunner's FastPath or DPDK testpmd."),
                Field("testpmd", text, "Path of dpdk-testpmd on the hosts."),
                Field("fastpath", text, "Path of the FastPath binary on the hosts."),
                Field("pdump", text, "The packet capture tool (dpdk-pdump, or labrunner pdump)."),
                Field("ethtool", text, "The NIC tool of `${lab.ethtool}` (ethtool, or labrunner ethtool for the emulated NIC)."),
                Field("qemu", text, "Path of qemu-system-x86_64."),
                Field("libvirt_uri", text, "libvirt connection URI template; ${host} is replaced by the host address."),
                Field("capabilities", capabilities, "What every host of the lab can do."),
                Field("default_host", .scalar(.identifier), "Host used for a scenario's host role that the lab does not name."),
                Field("hosts", .dictionary(.object(host)), "The hosts, by the role names scenarios use."),
                Field("virtual", .object(virtual), "Settings of the embedded virtual lab."),
                Field(
                    "params", .dictionary(.scalar(.text)),
                    "Defaults of scenario params for runs on this lab (between a scenario's own defaults and --set), for every scenario with a param of that name."
                ),
                Field(
                    "scenarios", .dictionary(.dictionary(.scalar(.text))),
                    "Defaults of params for one scenario, by its name: {pvp: {rate: 2kpps}}. They win over `params`."),
            ])
    }
}
