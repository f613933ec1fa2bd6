/// Builds the command line of a forwarder role: DPDK testpmd's EAL and application arguments,
/// run by testpmd on real labs and by FastPath (same words) on the virtual lab.
public struct ForwarderCommandLine: Sendable {
    /// The forwarder role.
    public let role: Role
    /// The lab.
    public let lab: Lab
    /// The host, VM or container it runs on.
    public let placement: Role?
    /// The DPDK release of the lab host it runs on, when the lab says (its options: `-w` or `-a`).
    public let dpdk: DPDKVersion?
    /// Whether that host has /dev/vhost-net; without it a virtio_user exception-path port becomes a
    /// tap port (`vhostNetStandIns`).
    public let vhostNet: Bool
    /// The host's NICs the virtual lab emulates as SR-IOV NICs: an allowed PF among them is FastPath's
    /// `net_sriov`.
    public let emulatedPFs: [EmulatedPF]
    /// Whether the scenario's NICs with VFs are the lab's steered NICs (`SteeredNIC.steers`).
    public let steering: Bool

    /// Creates a builder.
    public init(
        role: Role, lab: Lab, placement: Role?, dpdk: DPDKVersion? = nil, vhostNet: Bool = true, emulatedPFs: [EmulatedPF] = [], steering: Bool = false
    ) {
        self.role = role
        self.lab = lab
        self.placement = placement
        self.dpdk = dpdk
        self.vhostNet = vhostNet
        self.emulatedPFs = emulatedPFs
        self.steering = steering
    }

    /// The vdevs as given, except that on a host without vhost-net a `virtio_user` on /dev/vhost-net
    /// (the exception path) is a `net_tap` on the interface vhost-net would have made (tap0, or its
    /// `iface=`): the kernel still meets the frames on a tap, without vhost-net between.
    public var vdevs: [String] {
        role.forwarder?.vdevs.map { vdev in
            let words = vdev.value.split(separator: ",").map(String.init)
            guard !vhostNet, let name = words.first, name.hasPrefix("virtio_user") || name.hasPrefix("net_virtio_user"),
                words.contains("path=/dev/vhost-net")
            else { return vdev.value }
            let tap = words.first { $0.hasPrefix("iface=") }.map { String($0.dropFirst(6)) } ?? "tap0"
            let index = name.drop { !$0.isNumber }
            return "net_tap\(index),iface=\(tap)"
        } ?? []
    }

    /// The vdevs that stand in for vhost-net (for the plan to say so).
    public var vhostNetStandIns: [String] { zip(role.forwarder?.vdevs.map(\.value) ?? [], vdevs).filter { $0 != $1 }.map(\.0) }

    /// The program that runs the role.
    public var program: String { lab.program(running: role) }

    /// Without physical NICs, or under FastPath (which drives no PCI device), an allowed PCI device
    /// becomes an af_packet port on the interface that stands for it: the host NIC with that address
    /// (left on its kernel driver), or the guest's ethN for a VM NIC.
    public var usesNICStandIns: Bool { program == "fastpath" || !lab.capabilities.contains(Capability.physicalNIC.rawValue) }

    /// The interface that stands for a PCI device the role is allowed (a host NIC's name, a VM's ethN,
    /// an emulated NIC's VF).
    func standIn(for pci: PCIAddress) -> String? {
        if let host = placement?.host, let nic = host.nics.first(where: { $0.pci == pci }) { return nic.name.value }
        if let vf = steeredVF(pci) { return vf }
        if let host = placement?.host, let f = role.forwarder, let vf = EmulatedPF.hostVF(for: pci, allowed: f.allow, host: host, pfs: emulatedPFs) {
            return vf
        }
        if let vm = placement?.vm {
            if let index = vm.nics.firstIndex(where: { $0.pci == pci }) { return "eth\(index)" }
            // An address no NIC of the VM is written with is its VFs' (the guest's bus numbers are
            // its own), in the order they are allowed.
            let unplaced = role.forwarder?.allow.filter { a in !vm.nics.contains { $0.pci == a } } ?? []
            let vfs = vm.nics.indices.filter { vm.nics[$0].type == "vf" && vm.nics[$0].pci == nil }
            if let k = unplaced.firstIndex(of: pci), k < vfs.count { return "eth\(vfs[k])" }
        }
        return nil
    }

    /// The VF interface of an emulated NIC on the role's host that an allowed PCI address stands for.
    func steeredVF(_ pci: PCIAddress) -> String? {
        guard let host = placement?.host, let f = role.forwarder else { return nil }
        return SteeredNIC.vfInterface(for: pci, allowed: f.allow, host: host, lab: lab, steering: steering)
    }

    /// The arguments, starting with the binary.
    public var arguments: [String] {
        guard let f = role.forwarder else { return [] }
        // testpmd's virtual devices as the host's release names them (FastPath takes today's names).
        func vdev(_ argument: String) -> [String] { ["--vdev", program == "testpmd" ? dpdk?.vdev(argument) ?? argument : argument] }
        var a = (program == "fastpath" ? lab.fastpathPath : lab.testpmdPath).split(separator: " ").map(String.init)
        a += ["-l", f.lcores.value.description]
        if let n = f.channels { a += ["-n", "\(n)"] }
        if let m = f.memory {
            // The virtual lab backs memory with memfd, not hugepages: DPDK's testpmd gets as much
            // anonymous memory (FastPath takes the words as they are and needs neither).
            let noHugepages = program == "testpmd" && lab.isVirtual && lab.memoryBacking == "memfd"
            a += noHugepages ? ["--no-huge", "-m", "\(Int(m.converted(to: .MiB)))"] : ["--socket-mem", "\(Int(m.converted(to: .MiB)))"]
        }
        if let prefix = f.filePrefix { a += ["--file-prefix", prefix] }
        if let proc = f.procType { a += ["--proc-type", proc] }
        if f.noPCI { a.append("--no-pci") }
        if usesNICStandIns {
            // Stand-ins first, so port numbers match the guide's (PCI ports come before vdevs).
            for (index, pci) in f.allow.enumerated() {
                // An emulated NIC's VF is an AF_XDP socket on its interface, as DPDK serves a VF queue.
                if let vf = steeredVF(pci) {
                    a += vdev("net_af_xdp\(index),iface=\(vf)")
                } else if let pf = emulatedPFs.first(where: { $0.pci == pci }) {
                    a += vdev(pf.vdev(index: index))
                } else {
                    a += vdev("net_af_packet\(index),iface=\(standIn(for: pci) ?? pci.description)")
                }
            }
            if !f.allow.isEmpty && !f.noPCI { a.append("--no-pci") }
        }
        for argument in vdevs { a += vdev(argument) }
        if !usesNICStandIns { for pci in f.allow { a += [dpdk?.allowOption ?? "-a", pci.description] } }
        a.append("--")
        if let args = f.args { a += args.split(separator: " ").map(String.init) }
        return a
    }
}
