/// What the steering program reads from a frame, as six 64-bit words, and what a rule compares them
/// with: a rule matches when `(word & mask) == value` for all six. Both sides hold the frame's bytes
/// as the program loads them (little-endian loads of network-order bytes), so a rule is built from the
/// same bytes a frame carries and no field is byte-swapped per packet.
///
/// - word 0: flags (bits 0–15), the IPv4 protocol (bits 16–23), the outer EtherType (bits 32–47)
/// - word 1: the outer IPv4 source (bits 0–31) and destination (bits 32–63)
/// - word 2: the L4 source and destination ports (bits 0–31), VXLAN's VNI (bits 32–55)
/// - word 3: the outer destination MAC
/// - word 4: the inner (VXLAN) destination MAC
/// - word 5: the inner IPv4 destination (bits 0–31), the inner VLAN ID (bits 32–47)
///
/// Only IPv4 headers without options are parsed past L3 (a frame with options matches no L4 or
/// tunnel rule and goes to the PF, as on a NIC whose filters do not parse them).
public struct FlowMatch: Sendable, Equatable {
    /// Flags word 0 carries, set by the parser.
    public enum Flag: UInt64, Sendable {
        case ipv4 = 1, udp = 2, tcp = 4, vxlan = 8, innerVLAN = 16, innerIPv4 = 32
    }

    /// The words compared.
    public var mask = [UInt64](repeating: 0, count: 6)
    /// What the masked words must equal.
    public var value = [UInt64](repeating: 0, count: 6)

    /// Matches every frame.
    public init() {}

    /// How many bits it compares: the more, the more specific.
    public var specificity: Int { mask.reduce(0) { $0 + $1.nonzeroBitCount } }

    /// The bytes as the program's little-endian load of them reads them.
    static func raw(_ bytes: [UInt8]) -> UInt64 {
        bytes.enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
    }

    private mutating func set(word: Int, shift: UInt64, bytes: [UInt8], care: [UInt8]) {
        mask[word] |= Self.raw(care) << shift
        value[word] |= Self.raw(zip(bytes, care).map { $0 & $1 }) << shift
    }

    /// Requires a flag.
    public mutating func require(_ flag: Flag) {
        mask[0] |= flag.rawValue
        value[0] |= flag.rawValue
    }

    /// Requires the IPv4 protocol number.
    public mutating func protocolNumber(_ number: UInt8) { set(word: 0, shift: 16, bytes: [number], care: [0xFF]) }

    /// Requires the outer IPv4 source or destination under `care` (1 bits compared).
    public mutating func ipv4(source: Bool, _ address: UInt32, care: UInt32 = .max) {
        set(word: 1, shift: source ? 0 : 32, bytes: address.networkBytes, care: care.networkBytes)
    }

    /// Requires the L4 source or destination port.
    public mutating func port(source: Bool, _ port: UInt16, care: UInt16 = .max) {
        set(word: 2, shift: source ? 0 : 16, bytes: port.networkBytes, care: care.networkBytes)
    }

    /// Requires VXLAN with this VNI.
    public mutating func vni(_ vni: UInt32) {
        require(.vxlan)
        set(word: 2, shift: 32, bytes: Array((vni & 0xFF_FFFF).networkBytes.dropFirst()), care: [0xFF, 0xFF, 0xFF])
    }

    /// Requires the outer or the inner destination MAC under `care`.
    public mutating func destinationMAC(inner: Bool, _ mac: EtherAddress, care: EtherAddress) {
        if inner { require(.vxlan) }
        set(word: inner ? 4 : 3, shift: 0, bytes: mac.octets, care: care.octets)
    }

    /// Requires the inner (tunnelled) VLAN ID.
    public mutating func innerVLAN(_ id: UInt16) {
        require(.innerVLAN)
        set(word: 5, shift: 32, bytes: (id & 0xFFF).networkBytes, care: [0x0F, 0xFF])
    }

    /// Requires the inner IPv4 destination.
    public mutating func innerIPv4Destination(_ address: UInt32, care: UInt32 = .max) {
        require(.innerIPv4)
        set(word: 5, shift: 0, bytes: address.networkBytes, care: care.networkBytes)
    }

    /// The compared bits of a field, back in network order: `(value, care)`, for showing a rule.
    func field(word: Int, shift: UInt64, count: Int) -> (value: [UInt8], care: [UInt8]) {
        let bytes = { (w: UInt64) in (0..<count).map { UInt8(truncatingIfNeeded: w >> (shift + 8 * UInt64($0))) } }
        return (bytes(value[word]), bytes(mask[word]))
    }
}

extension EtherAddress {
    /// The six bytes in wire order, as an array.
    var octets: [UInt8] { [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5] }
}

extension FixedWidthInteger {
    /// The integer's bytes in network order.
    var networkBytes: [UInt8] { (0..<Self.bitWidth / 8).reversed().map { UInt8(truncatingIfNeeded: self >> ($0 * 8)) } }
}
