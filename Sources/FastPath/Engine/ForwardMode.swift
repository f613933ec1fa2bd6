/// testpmd's forwarding modes, with the same words and the same effect on packets.
public enum ForwardMode: String, Sendable, CaseIterable {
    /// Forward as received.
    case io
    /// Rewrite the destination to the tx port's peer and the source to the tx port's own address.
    case mac
    /// Swap source and destination addresses.
    case macswap
    /// Receive and drop (counting, and checking FastPath probes for loss and reordering).
    case rxonly
    /// Transmit generated UDP probes, ignore received packets.
    case txonly
    /// Like txonly, spreading the probes over many flows (destination addresses).
    case flowgen

    /// Whether the mode generates its packets instead of receiving them.
    public var generates: Bool { self == .txonly || self == .flowgen }
}
