/// A host NIC with VFs that the virtual lab emulates with flow steering (`emulate: [flow-steering]`):
/// the PF keeps the scenario's interface name, frames arrive on an uplink veth (the link's end), an XDP
/// program there sends what `${lab.ethtool} -N` rules match to the VFs' interfaces (which FastPath
/// serves over AF_XDP) and the rest to the PF's. The VFs' PCI addresses in a forwarder's `allow`
/// list stand for them in order. Only models whose flow director labrunner emulates qualify.
public struct SteeredNIC: Sendable, Equatable {
    /// The namespace of its host.
    public var namespace: String
    /// The PF's interface.
    public var pf: String
    /// `niantic` (ixgbe's Flow Director) or `fortville` (i40e's L3 VEB and cloud filters).
    public var model: String
    /// Its VFs.
    public var vfs: Int

    /// The models emulated.
    public static let models: Set<String> = ["niantic", "fortville"]

    /// The interface the link's frames arrive on.
    public var uplink: String { "u-\(pf)" }
    /// The wire end of the PF's veth pair.
    public var pfWire: String { "p-\(pf)" }
    /// VF `i`'s interface (the DPDK application's port) and its wire end.
    public func vf(_ i: Int) -> String { Self.vf(i, of: pf) }
    static func vf(_ i: Int, of pf: String) -> String { "\(pf)v\(i)" }
    public func vfWire(_ i: Int) -> String { "v-\(pf)v\(i)" }

    /// Whether a scenario's NICs are steered: it needs the flow director (ntuple) or cloud filters.
    /// Others with VFs are SR-IOV NICs (`EmulatedPF`).
    static func steers(_ scenario: Scenario) -> Bool {
        scenario.requires.contains { [Capability.ntuple.rawValue, Capability.cloudFilter.rawValue].contains($0.value) }
    }

    /// The host's NICs the lab emulates so, when it does (and the scenario steers).
    static func emulated(_ host: HostSpec, lab: Lab, steering: Bool = true) -> [HostNIC] {
        guard steering, lab.isVirtual, lab.emulate.contains("flow-steering") else { return [] }
        return host.nics.filter { ($0.vfs ?? 0) > 0 && $0.model.map(models.contains) == true }
    }

    /// The emulated NICs of a host in `namespace`.
    public static func on(_ host: HostSpec?, namespace: String?, lab: Lab, steering: Bool) -> [SteeredNIC] {
        guard let host, let namespace else { return [] }
        return emulated(host, lab: lab, steering: steering).map { SteeredNIC(namespace: namespace, pf: $0.name.value, model: $0.model ?? "", vfs: $0.vfs ?? 0) }
    }

    /// The VF interface a forwarder's allowed PCI address stands for: addresses that are no PF of the
    /// host are its emulated NICs' VFs, in the order they are allowed.
    public static func vfInterface(for pci: PCIAddress, allowed: [PCIAddress], host: HostSpec, lab: Lab, steering: Bool) -> String? {
        let vfAddresses = allowed.filter { a in !host.nics.contains { $0.pci == a } }
        guard let k = vfAddresses.firstIndex(of: pci) else { return nil }
        let vfs = emulated(host, lab: lab, steering: steering).flatMap { nic in (0..<(nic.vfs ?? 0)).map { vf($0, of: nic.name.value) } }
        return k < vfs.count ? vfs[k] : nil
    }

    /// How the plan shows it.
    public var summary: String {
        "\(pf) on \(namespace): emulated \(model == "niantic" ? "82599 (ixgbe Flow Director)" : "X710 (i40e L3 VEB and cloud filters)") with \(vfs) VFs "
            + "\((0..<vfs).map(vf).joined(separator: ", ")); XDP steering on \(uplink) (labrunner nic, rules by labrunner ethtool); VF queues: one each"
    }
}
