/// One virtual function as the PF programs it (the VFd controls), with the defaults an ixgbe or i40e
/// VF starts with: its address, untagged and broadcast frames accepted, everything else off.
public struct VFSettings: Sendable, Equatable {
    /// The VF's own address (`set vf mac addr`; at start the address its interface has).
    public var mac: EtherAddress
    /// Further addresses the VF receives and may send from (`mac_addr add port P vf V …`).
    public var extraMACs: [EtherAddress] = []
    /// Frames from the VF whose source is not its address are dropped.
    public var macAntiSpoof = false
    /// Tagged frames from the VF whose VLAN is not one of its VLANs are dropped.
    public var vlanAntiSpoof = false
    /// The VLAN inserted into the VF's untagged frames and stripped from frames to it (0: none).
    public var insertVLAN: UInt16 = 0
    /// Tags are stripped from the frames it receives.
    public var stripVLAN = false
    /// i40e's `set vf vlan tag`: the VF may send and receive tagged frames at all.
    public var vlanTagging = true
    /// The VLANs it receives (`rx_vlan add … vf MASK`); empty: any VLAN.
    public var vlans: Set<UInt16> = []
    /// Receive and transmit enabled (`set port P vf V rx|tx on|off`).
    public var rxEnabled = true
    public var txEnabled = true
    /// Receive modes: untagged (AUPE), unicast hash (ROPE), broadcast (BAM, `set vf broadcast`),
    /// every multicast (MPE, `set vf allmulti`), every unicast (`set vf promisc`).
    public var acceptUntagged = true
    public var acceptHashedUnicast = false
    public var acceptBroadcast = true
    public var acceptMulticast = false
    public var promiscuous = false
    /// Transmit caps in Mbit/s of layer-2 bytes (0: none): ixgbe's per-VF rate, i40e's VF maximum and
    /// its traffic class 0 maximum (every frame is in TC 0 here).
    public var rateMbps = 0
    public var maxBandwidthMbps = 0
    public var tcMaxBandwidthMbps: [Int: Int] = [:]
    /// Recorded, with no effect on frames (no queues or traffic classes to apply them to).
    public var splitDrop = false
    public var tcMinBandwidth: [Int] = []

    /// Creates a VF with its address.
    public init(mac: EtherAddress) { self.mac = mac }

    /// The cap in bytes a second, or nil.
    var bytesPerSecond: Double? {
        let caps = [rateMbps, maxBandwidthMbps, tcMaxBandwidthMbps[0] ?? 0].filter { $0 > 0 }
        return caps.min().map { Double($0) * 1_000_000 / 8 }
    }

    /// Whether `address` is one of the VF's.
    func owns(_ address: EtherAddress) -> Bool { address == mac || extraMACs.contains(address) }
}
