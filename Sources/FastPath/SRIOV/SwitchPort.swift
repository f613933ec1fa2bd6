/// Where a frame enters or leaves the emulated SR-IOV NIC's embedded switch: the wire (uplink), the
/// physical function, or a virtual function.
public enum SwitchPort: Hashable, Sendable {
    case uplink
    case pf
    case vf(Int)
}
