/// Counters of one port as seen by one lcore. Each lcore writes only its own block; the control plane
/// sums the blocks when it reports, so the hot loop never takes a lock or an atomic read-modify-write.
public struct PortCounters: Sendable, Equatable {
    /// Packets received.
    public var rxPackets: UInt64 = 0
    /// Bytes received.
    public var rxBytes: UInt64 = 0
    /// Packets transmitted.
    public var txPackets: UInt64 = 0
    /// Bytes transmitted.
    public var txBytes: UInt64 = 0
    /// Packets the port could not take for transmission (dropped after retries).
    public var txDropped: UInt64 = 0
    /// Receive errors.
    public var rxErrors: UInt64 = 0
    /// Receives that found the buffer pool empty.
    public var rxNoBuffer: UInt64 = 0
    /// Packets the device itself dropped before FastPath saw them (ring full).
    public var rxMissed: UInt64 = 0

    /// Creates zeroed counters.
    public init() {}

    /// Adds another block.
    public static func + (a: PortCounters, b: PortCounters) -> PortCounters {
        var s = a
        s.rxPackets &+= b.rxPackets
        s.rxBytes &+= b.rxBytes
        s.txPackets &+= b.txPackets
        s.txBytes &+= b.txBytes
        s.txDropped &+= b.txDropped
        s.rxErrors &+= b.rxErrors
        s.rxNoBuffer &+= b.rxNoBuffer
        s.rxMissed &+= b.rxMissed
        return s
    }

    /// Subtracts a baseline (clear port stats keeps one, since lcores own the live blocks).
    public static func - (a: PortCounters, b: PortCounters) -> PortCounters {
        var s = a
        s.rxPackets &-= b.rxPackets
        s.rxBytes &-= b.rxBytes
        s.txPackets &-= b.txPackets
        s.txBytes &-= b.txBytes
        s.txDropped &-= b.txDropped
        s.rxErrors &-= b.rxErrors
        s.rxNoBuffer &-= b.rxNoBuffer
        s.rxMissed &-= b.rxMissed
        return s
    }
}
