/// A VF's counters in the embedded switch, as `show vf stats` prints them.
public struct VFCounters: Sendable, Equatable {
    /// Frames and bytes the switch delivered to the VF.
    public var rxPackets: UInt64 = 0
    public var rxBytes: UInt64 = 0
    /// Frames for the VF it did not take: receive off, a VLAN it does not have, a mode it has not on.
    public var rxMissed: UInt64 = 0
    /// Frames and bytes the VF sent that the switch took.
    public var txPackets: UInt64 = 0
    public var txBytes: UInt64 = 0
    /// Frames the VF sent that were dropped: transmit off, spoofed address or VLAN, over its rate.
    public var txErrors: UInt64 = 0
    /// Of those, the spoofed ones.
    public var txSpoofed: UInt64 = 0

    /// Zeroed counters.
    public init() {}
}
