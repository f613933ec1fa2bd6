/// Traffic offered by the generator.
public struct TrafficSpec: Sendable {
    /// What it does with the generator.
    public var action: TrafficAction
    /// Generator port (a generator's only port when not given).
    public var port: String?
    /// Destination MAC.
    public var dstMAC: MACAddress?
    /// Source and destination IPv4.
    public var srcIP: String?, dstIP: String?
    /// udp, tcp or icmp.
    public var proto: String
    /// Frame size in bytes.
    public var frameSize: Int
    /// Offered rate.
    public var rate: Quantity?
    /// How long.
    public var duration: Quantity?
    /// Number of flows.
    public var flows: Int
    /// A throughput search instead of one run at `rate`.
    public var search: SearchSpec?
    /// `rate` or `dst_mac` given as a capture (`${throughput.ndr}`, `${vf_mac}`): its text, filled in when
    /// the step runs and checked by the generator then.
    public var deferredRate: String?, deferredMAC: String?
    /// UDP or TCP ports, when the step gives them.
    public var srcPort: Int? = nil, dstPort: Int? = nil
    /// VXLAN encapsulation: VNI and the inner frame's destination MAC, VLAN and address.
    public var vxlan: (vni: Int, innerDstMAC: MACAddress?, innerVLAN: Int?, innerDstIP: String?)? = nil

    /// The port the step sends on: the one it names, else `generator`'s only one (nil when it has several).
    public func port(on generator: TrafficGenSpec) -> String? { port ?? (generator.ports.count == 1 ? generator.ports[0] : nil) }
}
