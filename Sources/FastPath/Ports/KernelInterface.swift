import CFastPath
import Foundation

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

    /// `text` as a full PCI address (`0000:00:04.0`; `00:04.0` gets domain 0), or nil.
    static func pciAddress(_ text: String) -> String? {
        let full = text.filter { $0 == ":" }.count == 1 ? "0000:" + text : text
        guard full.wholeMatch(of: /[0-9a-fA-F]{4}:[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\.[0-7]/) != nil else { return nil }
        return full.lowercased()
    }

    /// The kernel interface of PCI device `pci` (its one entry in sysfs), or nil.
    static func ofPCIDevice(_ pci: String) -> String? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: "/sys/bus/pci/devices/\(pci)/net"), names.count == 1 else { return nil }
        return names[0]
    }
}
