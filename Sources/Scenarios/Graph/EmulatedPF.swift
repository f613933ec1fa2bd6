/// A host NIC with VFs that the virtual lab emulates as an SR-IOV NIC (`emulate: [sriov]`): FastPath's
/// `net_sriov` stands for the PF a DPDK application is allowed, its wire is the link's end (the NIC's
/// interface), and its VFs are the taps of the emulated e1000s the VMs on that host have as VFs of it
/// (a VM NIC of type `vf` whose `host_pci` is on the PF's bus), in the order the roles are written;
/// a VF no VM takes is a veth pair in the host's namespace, the NIC on `w-<nic>v<k>` and the host's own
/// DPDK applications on `<nic>v<k>` (an allowed VF address of that host stands for it, in order). NICs the
/// lab steers with XDP (`SteeredNIC`) are not this.
public struct EmulatedPF: Sendable, Equatable {
    /// The PF's PCI address and interface.
    public var pci: PCIAddress
    public var interface: String
    /// `ixgbe` or `i40e`.
    public var model: String
    /// Each VF's interface and the address its guest's e1000 has (the VF's at start).
    public var vfs: [VF]
    /// No DPDK application on its host is allowed the PF: it stays with the kernel, a TAP interface with
    /// the NIC's name that `labrunner nic sriov` makes, the wire's end then named `uplink`.
    public var kernelPF: Bool
    /// Its host's namespace (set where the lab is planned).
    public var namespace: String?

    /// The wire's end: the NIC's name, or for a kernel PF `u-` and the name.
    public var uplink: String { kernelPF ? "u-\(interface.prefix(13))" : interface }

    /// One VF: the interface the NIC serves it on, the address its guest's e1000 has, and for a VF of the
    /// host's own (a veth pair), the end its applications open.
    public struct VF: Sendable, Equatable {
        public var interface: String
        public var mac: String?
        public var hostEnd: String?
    }

    /// The VFs of the host's own, which the lab makes as veth pairs.
    public var hostVFs: [VF] { vfs.filter { $0.hostEnd != nil } }

    /// The emulated PFs of `host` (a host role) in `scenario`, on a lab that emulates SR-IOV.
    public static func on(_ host: Role, scenario: Scenario, lab: Lab) -> [EmulatedPF] {
        guard lab.isVirtual, lab.emulate.contains("sriov"), let spec = host.host else { return [] }
        let steered = SteeredNIC.emulated(spec, lab: lab, steering: SteeredNIC.steers(scenario)).map(\.name.value)
        return spec.nics.compactMap { nic -> EmulatedPF? in
            guard let pci = nic.pci, let count = nic.vfs, count > 0, !steered.contains(nic.name.value) else { return nil }
            var vfs: [VF] = []
            for role in scenario.roles where role.vm?.host.value == host.name.value {
                for v in role.vm?.nics ?? [] where v.type == "vf" {
                    guard let h = v.hostPCI, h.domain == pci.domain, h.bus == pci.bus else { continue }
                    vfs.append(
                        VF(interface: QEMUCommandLine.tapName(v, role: role.name.value), mac: v.mac.map { QEMUCommandLine.unicast($0.value.description) }))
                }
            }
            // VFs no VM has are the host's own.
            while vfs.count < count {
                let name = "\(nic.name.value.prefix(10))v\(vfs.count)"
                vfs.append(VF(interface: "w-\(name)", mac: nil, hostEnd: name))
            }
            let model = ["i40e", "fortville", "x710", "xl710"].contains((nic.model ?? nic.driver ?? "").lowercased()) ? "i40e" : "ixgbe"
            let dpdk = scenario.roles.contains { $0.forwarder?.on.value == host.name.value && $0.forwarder?.allow.contains(pci) == true }
            return EmulatedPF(pci: pci, interface: nic.name.value, model: model, vfs: Array(vfs.prefix(count)), kernelPF: !dpdk)
        }
    }

    /// The command that runs a kernel PF's NIC (in its host's namespace), with the lab's labrunner.
    public var kernelPFCommand: [String] {
        ["labrunner", "nic", "sriov", "--model", model, "--uplink", uplink, "--pf", interface]
            + vfs.flatMap { ["--vf", $0.interface + ($0.mac.map { "=\($0)" } ?? "")] }
    }

    /// The `--vdev` FastPath opens as port `index`.
    public func vdev(index: Int) -> String {
        var words = ["net_sriov\(index)", "uplink=\(interface)", "vfs=\(vfs.count)", "model=\(model)"]
        for (k, vf) in vfs.enumerated() {
            words.append("vf\(k)=\(vf.interface)")
            if let mac = vf.mac { words.append("vf\(k)_mac=\(mac)") }
        }
        return words.joined(separator: ",")
    }

    /// The VFs as the plan names them: a guest's tap, or the host's own VF (its application's end).
    private var vfNames: String { vfs.map { $0.hostEnd.map { "\($0) (the host's)" } ?? $0.interface }.joined(separator: ", ") }

    /// How the plan shows it.
    public var summary: String {
        if kernelPF {
            return "\(interface) on \(namespace ?? "its host"): emulated \(model == "i40e" ? "X710 (i40e)" : "82599 (ixgbe)") with a kernel PF (a TAP), "
                + "\(vfs.count) VF(s) on \(vfNames), the wire on \(uplink) (labrunner nic sriov)"
        }
        return "\(pci) (\(interface)) stands as FastPath's emulated \(model == "i40e" ? "X710 (i40e)" : "82599 (ixgbe)") PF with \(vfs.count) VF(s) on "
            + vfNames + ": the switch, anti-spoofing, VLANs, receive modes and rates are FastPath's; all queues drop, split drop, "
            + "TC minimum shares and strict priority are recorded without effect (one queue per function, no traffic classes)"
    }

    /// The host VF interface an allowed PCI address of a host application stands for: addresses that are
    /// no NIC of the host are its emulated NICs' host VFs, in the order they are allowed.
    static func hostVF(for pci: PCIAddress, allowed: [PCIAddress], host: HostSpec, pfs: [EmulatedPF]) -> String? {
        let vfAddresses = allowed.filter { a in !host.nics.contains { $0.pci == a } }
        guard let k = vfAddresses.firstIndex(of: pci) else { return nil }
        let ends = pfs.flatMap { $0.hostVFs.compactMap(\.hostEnd) }
        return k < ends.count ? ends[k] : nil
    }
}
