/// The PF's VF controls at the `testpmd>` prompt (the guide's section 5, testpmd's words), parsed.
public enum VFCommand: Equatable, Sendable {
    /// A receive mode a VF can have on or off.
    public enum Mode: String, Sendable, CaseIterable {
        /// ixgbe's `rxmode` words: untagged, unicast hash, broadcast, multicast promiscuous.
        case aupe = "AUPE", rope = "ROPE", bam = "BAM", mpe = "MPE"
        /// i40e's `set vf broadcast|allmulti|promisc`.
        case broadcast, allmulti, promisc
    }

    case macAddress(port: Int, vf: Int, EtherAddress)
    case addMAC(port: Int, vf: Int, EtherAddress)
    case macAntiSpoof(port: Int, vf: Int, Bool)
    case vlanAntiSpoof(port: Int, vf: Int, Bool)
    case vlanInsert(port: Int, vf: Int, UInt16)
    case vlanStrip(port: Int, vf: Int, Bool)
    case vlanTag(port: Int, vf: Int, Bool)
    case vlanFilter(add: Bool, vlan: Int, port: Int, vfMask: UInt64)
    case txLoopback(port: Int, Bool)
    /// Without a port (the guide's spelling): every port.
    case allQueuesDrop(port: Int?, Bool)
    case splitDrop(port: Int, vf: Int, Bool)
    case rate(port: Int, vf: Int, mbps: Int, queueMask: UInt64)
    case traffic(port: Int, vf: Int, receive: Bool, Bool)
    case mode(port: Int, vf: Int, Mode, Bool)
    case maxBandwidth(port: Int, vf: Int, mbps: Int)
    case tcMinBandwidth(port: Int, vf: Int, [Int])
    case tcMaxBandwidth(port: Int, vf: Int, tc: Int, mbps: Int)
    case strictPriority(port: Int, tcMap: Int)
    case showStats(port: Int, vf: Int)
    case clearStats(port: Int, vf: Int)
    case link(port: Int, up: Bool)

    /// The port (the PF) it is for; nil for every port.
    public var port: Int? {
        switch self {
        case .macAddress(let p, _, _), .addMAC(let p, _, _), .macAntiSpoof(let p, _, _), .vlanAntiSpoof(let p, _, _), .vlanInsert(let p, _, _),
            .vlanStrip(let p, _, _), .vlanTag(let p, _, _), .vlanFilter(_, _, let p, _), .txLoopback(let p, _), .splitDrop(let p, _, _),
            .rate(let p, _, _, _), .traffic(let p, _, _, _), .mode(let p, _, _, _), .maxBandwidth(let p, _, _), .tcMinBandwidth(let p, _, _),
            .tcMaxBandwidth(let p, _, _, _), .strictPriority(let p, _), .showStats(let p, _), .clearStats(let p, _), .link(let p, _):
            return p
        case .allQueuesDrop(let p, _):
            return p
        }
    }
}
