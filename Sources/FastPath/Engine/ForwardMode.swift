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
    /// Answer ARP requests with the port's address and ICMP echo requests with echo replies (out of the
    /// stream's tx port: the port they came in on with one port or --port-topology=loop); drop the
    /// rest (`ICMPEcho`).
    case icmpecho
    /// Transmit generated UDP probes, ignore received packets.
    case txonly
    /// Like txonly, spreading the probes over many flows (destination addresses).
    case flowgen
    /// A MAC-learning switch like DPDK's vhost-switch sample: the first forwarding port is the uplink
    /// (the NIC), the others are the VMs' ports. A frame from a VM port teaches the switch its source
    /// and goes to the VM port its destination was learned on, else to the uplink. A frame from the
    /// uplink goes to the VM port its destination was learned on; a group address goes to every VM
    /// port; anything else is dropped. Frames never go from the uplink back to it, so two hosts on a
    /// flooding switch do not loop. It switches on one lcore.
    case vhostSwitch = "vhost-switch"

    /// Whether the mode generates its packets instead of receiving them.
    public var generates: Bool { self == .txonly || self == .flowgen }
}
