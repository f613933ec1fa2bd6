/// The flow types of `ethtool -N … flow-type` the emulated NIC filters on.
public enum EthtoolFlowType: String, Sendable, CaseIterable {
    case udp4, tcp4, ip4, ether

    /// The code kept in a table slot.
    var code: UInt32 { UInt32(Self.allCases.firstIndex(of: self)! + 1) }

    init?(code: UInt32) {
        guard code >= 1, Int(code) <= Self.allCases.count else { return nil }
        self = Self.allCases[Int(code) - 1]
    }

    /// ethtool's name of the rule type in `-n`.
    var ruleType: String {
        switch self {
        case .udp4: "UDP over IPv4"
        case .tcp4: "TCP over IPv4"
        case .ip4: "Raw IPv4"
        case .ether: "Raw Ethernet"
        }
    }
}
