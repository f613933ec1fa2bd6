/// A VXLAN encapsulation of generated probes (RFC 7348, UDP port 4789): the frame's Ethernet, IPv4 and
/// UDP headers are the outer ones, and the probe is a whole Ethernet frame inside, to the tenant's
/// MAC, optionally VLAN-tagged, between these inner addresses.
public struct VXLANTunnel: Sendable, Equatable {
    /// The VXLAN network identifier (24 bits).
    public var vni: UInt32
    /// The inner frame's destination and source MACs.
    public var innerDestinationMAC = EtherAddress(0x02, 0, 0, 0, 0, 0x02)
    public var innerSourceMAC = EtherAddress(0x02, 0, 0, 0, 0, 0x01)
    /// The inner frame's VLAN ID, when it is tagged.
    public var innerVLAN: UInt16?
    /// The inner IPv4 source and destination.
    public var innerSourceIP = Probe.sourceIP, innerDestinationIP = Probe.destinationIP

    /// A tunnel with this VNI and the other fields at their defaults.
    public init(vni: UInt32) { self.vni = vni }

    /// Outer IPv4, UDP and VXLAN headers, plus the inner Ethernet header (and its tag).
    public var overhead: Int { 14 + 20 + 8 + 8 + (innerVLAN == nil ? 0 : 4) }

    /// The UDP port VXLAN uses.
    public static let port: UInt16 = 4789
}
