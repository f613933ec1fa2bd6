/// What a lab host can do; scenarios, roles and steps `require` these and are skipped with a reason
/// when the lab lacks them.
public enum Capability: String, Sendable, CaseIterable {
    case sriov, ntuple
    case cloudFilter = "cloud-filter"
    case hugepages
    case hugepages1G = "hugepages-1g"
    case kvm, tcg
    case vhostNet = "vhost-net"
    case vhostUser = "vhost-user"
    case vfio
    case igbUIO = "igb_uio"
    case memfd, tap
    case afPacket = "af_packet"
    case afXDP = "af_xdp"
    case pcap, pdump, libvirt, docker, bridge
    case dpdkPF = "dpdk-pf"
    case physicalNIC = "physical-nic"
    case isolcpus
    /// The guide's Intel switch, configured through TestPoint.
    case testpoint
    /// Steps may change the host's own system configuration (/etc): a real lab host. The virtual lab's
    /// hosts are namespaces that share this machine's /etc, so they lack it.
    case hostConfig = "host-config"
    /// QEMU keeps MSI-X on for vhost-user NICs under TCG (QEMU 10 does; 7.2 crashes, so it gets `vectors=0`).
    case vhostUserMSIX = "vhost-user-msix"

    /// Every spelling, for messages and the schema.
    public static var words: [String] { allCases.map(\.rawValue) }
}
