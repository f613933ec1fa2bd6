extension LabLoader {
    /// The embedded virtual lab, used when no `--lab` is given. `scenarios/labs/virtual.yaml` is the same text.
    public static let embeddedVirtualLab = """
        # yaml-language-server: $schema=../../schema/lab.schema.json
        # The embedded virtual lab: every host role becomes a network namespace on this machine,
        # guests run under QEMU TCG with memfd memory, forwarders are labrunner's FastPath,
        # VFs are emulated NICs and the switch is a Linux bridge. Nothing leaves the namespaces.
        name: virtual
        kind: virtual
        doc: Namespaces, TCG guests and FastPath on one machine without NICs.
        accel: auto
        forwarder: fastpath
        fastpath: labrunner fastpath
        qemu: qemu-system-x86_64
        capabilities: [vhost-user, memfd, tap, af_packet, af_xdp, pcap, pdump, bridge, tcg, hugepages, libvirt, ntuple, cloud-filter, dpdk-pf]
        virtual:
          subnet: 198.51.100.0/24
          namespace_prefix: lr
          cores: 0-1
          memory: 4GiB
          memory_backing: memfd
          guest_kernel: /run/labrunner/guest/vmlinux
          guest_initrd: /run/labrunner/guest/initrd.img
          guest_fastpath: /run/labrunner/guest/fastpath.img
          emulate: [sriov, switch, trafficgen, flow-steering]
          workdir: /run/labrunner
        # What a TCG guest on two cores carries, for runs on this lab; the same scenarios keep the
        # guide's values on real labs (plan shows each param's value and where it came from). The
        # migration's outage here (the probes' longest silence in a round): 43-653 ms over 25 rounds, QEMU's
        # downtime 11-296 ms; the destination's TCG starts with an empty translation cache. PVP's 1024-entry
        # rx queues hold four times as long a stall of the TCG guest: 5 searches gave NDR 14.6-19.4 kpps
        # (9.6-16.5 with the guide's 256).
        scenarios:
          pvp:
            {
              benchmark: search, rate: 50kpps, duration: 5s, search_width: 5%, acceptable_loss: 1%, vhost_features: true,
              host_forwarder: "FastPath (labrunner fastpath)", guest_forwarder: "FastPath in the TCG guest", nic: "veth (virtual lab)",
              hw_vlan_option: "", vm_rx_queue_size: 1024,
            }
          vhost-user-migration: {vm_hugepages: 256, vm_vcpus: 2, vm_lcores: "0-1", max_downtime: 1s, max_outage: 1s}
          vf-daemon: {vm_vcpus: 2, vf_lcores: "0-1", pf_lcores: "0-1"}
          sriov-bond-migration: {vm_vcpus: 2, vm_lcores: "0-1", vm_hugepages: 16}

        """

    /// The name that selects the embedded virtual lab in SSH mode (`--lab virtual-ssh`).
    public static let embeddedSSHLab = "virtual-ssh"

    /// Loads the embedded virtual lab; `overSSH`, in SSH mode (named `virtual-ssh`).
    public func loadEmbedded(overSSH: Bool = false) -> (lab: Lab?, diagnostics: [Diagnostic], source: SourceFile?) {
        var loaded = load(path: "<embedded>/virtual.yaml", bytes: Array(Self.embeddedVirtualLab.utf8))
        if overSSH {
            loaded.lab?.overSSH = true
            loaded.lab?.name = Self.embeddedSSHLab
        }
        return loaded
    }
}
