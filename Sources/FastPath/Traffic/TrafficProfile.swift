/// What the traffic generator offers: FastPath probes (UDP over IPv4, sequence-numbered) out of one
/// interface at a rate for a time, counted back in on the receive interfaces.
public struct TrafficProfile: Sendable {
    /// Interface the probes leave through.
    public var transmit: String
    /// Interfaces they are counted on (the transmit interface itself when empty).
    public var receive: [String] = []
    /// Destination MAC (default: broadcast, so any port forwards it).
    public var destinationMAC = EtherAddress(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF)
    /// IPv4 addresses.
    public var ip: (source: UInt32, destination: UInt32) = (Probe.sourceIP, Probe.destinationIP)
    /// ICMP echo requests instead of UDP (answered by the kernel of the host or guest addressed).
    public var icmp = false
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
