/// What the traffic generator offers: FastPath probes (UDP over IPv4, sequence-numbered; or ICMP, TCP,
/// VXLAN-encapsulated) out of one interface at a rate for a time, counted back in on the receive
/// interfaces (UDP and ICMP probes outside a tunnel only).
public struct TrafficProfile: Sendable {
    /// Interface the probes leave through.
    public var transmit: String
    /// Interfaces they are counted on (the transmit interface itself when empty).
    public var receive: [String] = []
    /// Destination MAC (default: broadcast, so any port forwards it).
    public var destinationMAC = EtherAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
    /// IPv4 addresses.
    public var ip: (source: UInt32, destination: UInt32) = (Probe.sourceIP, Probe.destinationIP)
    /// UDP probes; ICMP echo requests (answered by the kernel of the host or guest addressed); or TCP.
    public var proto = ProbeProtocol.udp
    /// The UDP or TCP source and destination ports.
    public var ports: (source: UInt16, destination: UInt16) = (9, 9)
    /// A VXLAN encapsulation: the addresses above are then the outer headers'.
    public var tunnel: VXLANTunnel?
    /// Frame length without FCS.
    public var frameSize = 64
    /// Flows (destination addresses counted up from `ip.destination`).
    public var flows = 1
    /// Packets per second.
    public var rate: Double = 1000
    /// Seconds to send.
    public var duration: Double = 1

    /// Creates a profile sending out of `transmit`.
    public init(transmit: String) { self.transmit = transmit }
}
