/// A rule of `ethtool -N DEV flow-type …` as given: each field with its mask in ethtool's sense (1 bits
/// are ignored; no mask: all bits count), the action (ring cookie), user-def and location.
public struct EthtoolRule: Sendable, Equatable {
    /// A field's value and the bits ethtool's `m` said to ignore.
    public struct Field<Value: FixedWidthInteger & Sendable>: Sendable, Equatable {
        public var value: Value
        public var ignore: Value = 0
    }

    /// A MAC field and its ignore mask.
    public struct MACField: Sendable, Equatable {
        public var value: EtherAddress
        public var ignore = EtherAddress(0, 0, 0, 0, 0, 0)
    }

    public var flowType: EthtoolFlowType
    public var sourceIP: Field<UInt32>?
    public var destinationIP: Field<UInt32>?
    public var sourcePort: Field<UInt16>?
    public var destinationPort: Field<UInt16>?
    public var sourceMAC: MACField?
    public var destinationMAC: MACField?
    public var vlan: Field<UInt16>?
    public var userDef: UInt64?
    /// `action N` (the ring cookie; all ones, `-1`, drops).
    public var ringCookie: UInt64 = 0
    public var location: Int?

    /// A rule of this flow type matching everything, to the PF's queue 0.
    public init(flowType: EthtoolFlowType) { self.flowType = flowType }
}
