/// What a generated probe is carried in above IPv4.
public enum ProbeProtocol: String, Sendable, CaseIterable {
    /// UDP (the default; receivers count these).
    case udp
    /// TCP segments (ACK, no connection; for flow filters that match TCP). Receivers do not count them.
    case tcp
    /// ICMP echo requests, which the addressed kernel answers with the same payload.
    case icmp

    /// The IPv4 protocol number.
    var number: UInt8 {
        switch self {
        case .udp: 17
        case .tcp: 6
        case .icmp: 1
        }
    }

    /// The length of its header.
    var headerLength: Int { self == .tcp ? 20 : 8 }
}
