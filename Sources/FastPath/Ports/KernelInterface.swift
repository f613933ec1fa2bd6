import CFastPath

/// A kernel network interface a port works on (AF_PACKET, AF_XDP, TAP): its address, MTU and carrier,
/// and bringing it up.
struct KernelInterface: Sendable {
    /// The interface's name.
    let name: String

    /// Brings `name` up (promiscuous when asked) and reads its MAC; errors name the port.
    static func open(_ name: String, for deviceName: String, promiscuous: Bool) throws(FastPathError) -> (KernelInterface, EtherAddress) {
        var mac = [UInt8](repeating: 0, count: 6)
        let r = cfp_if_mac(name, &mac)
        guard r == 0 else { throw .system("\(deviceName): interface \(name)", -r) }
        let up = cfp_if_up(name, promiscuous ? 1 : 0)
        guard up == 0 else { throw .system("\(deviceName): bringing \(name) up", -up) }
        return (KernelInterface(name: name), EtherAddress(mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]))
    }

    /// MTU (0 when the interface is gone).
    var mtu: Int { Int(max(cfp_if_mtu(name), 0)) }
    /// Whether it has carrier.
    var running: Bool { cfp_if_running(name) == 1 }
}
