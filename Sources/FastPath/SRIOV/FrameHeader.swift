/// The layer-2 fields the embedded switch decides on, read from a frame nobody here controls: every
/// read is bounded by the frame's length.
struct FrameHeader: Sendable {
    let destination: EtherAddress
    let source: EtherAddress
    /// The VLAN id of an 802.1Q tag right after the addresses, if there is one.
    private(set) var vlan: UInt16?

    /// Nil for a frame too short to carry an Ethernet header (or a tag it announces).
    init?(_ frame: UnsafeRawPointer, length: Int) {
        guard length >= 14 else { return nil }
        destination = EtherAddress(at: frame)
        source = EtherAddress(at: frame + 6)
        if frame.load(fromByteOffset: 12, as: UInt8.self) == 0x81 && frame.load(fromByteOffset: 13, as: UInt8.self) == 0x00 {
            guard length >= 18 else { return nil }
            let tci = UInt16(frame.load(fromByteOffset: 14, as: UInt8.self)) << 8 | UInt16(frame.load(fromByteOffset: 15, as: UInt8.self))
            vlan = tci & 0x0FFF
        } else {
            vlan = nil
        }
    }

    /// The same frame with `vlan`'s tag inserted.
    func tagged(_ vlan: UInt16) -> FrameHeader {
        var h = self
        h.vlan = vlan
        return h
    }

    /// ff:ff:ff:ff:ff:ff.
    var isBroadcast: Bool { destination == EtherAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF) }
    /// A group address other than broadcast.
    var isMulticast: Bool { destination.bytes.0 & 1 == 1 && !isBroadcast }
    /// A unicast destination.
    var isUnicast: Bool { destination.bytes.0 & 1 == 0 }
}
