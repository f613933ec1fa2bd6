extension NICModel {
    /// The model a name gives: its own (niantic, fortville) or its PF driver's (ixgbe, i40e).
    public init?(name: String) {
        switch name.lowercased() {
        case "niantic", "ixgbe", "82599": self = .niantic
        case "fortville", "i40e", "x710", "xl710": self = .fortville
        default: return nil
        }
    }

    /// The PF driver's name, as `show port info` gives it.
    public var pfDriver: String { self == .niantic ? "net_ixgbe" : "net_i40e" }

    /// Whether this model's PF driver has the control (testpmd then says "function not implemented"):
    /// the ixgbe and i40e functions of the guide's sections 5.2 to 5.4; the link is every driver's.
    public func supports(_ command: VFCommand) -> Bool {
        switch command {
        case .macAddress, .macAntiSpoof, .vlanAntiSpoof, .vlanInsert, .vlanStrip, .vlanFilter, .txLoopback, .link, .addMAC:
            return true
        case .allQueuesDrop, .splitDrop, .rate, .traffic:
            return self == .niantic
        case .mode(_, _, let mode, _):
            return [.aupe, .rope, .bam, .mpe].contains(mode) ? self == .niantic : self == .fortville
        case .vlanTag, .maxBandwidth, .tcMinBandwidth, .tcMaxBandwidth, .strictPriority, .showStats, .clearStats:
            return self == .fortville
        }
    }
}
