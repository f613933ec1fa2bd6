import FastPath
import Scenarios

/// What `labrunner traffic` is given on its command line, as typed: `profile()` converts and checks it
/// once, and `init(_:)` writes a profile back as the same options for a generator run in the background.
package struct TrafficArguments: Sendable, Equatable {
    package var port: String
    package var rxPorts: [String] = []
    package var dstMAC: String?
    package var srcIP = "198.18.0.1"
    package var dstIP = "198.18.0.2"
    package var proto = "udp"
    package var srcPort: UInt16 = 9, dstPort: UInt16 = 9
    /// VXLAN: the VNI, and the inner frame's destination MAC, VLAN and destination address.
    package var vni: UInt32?
    package var innerDstMAC: String?, innerVLAN: UInt16?, innerDstIP: String?
    package var frameSize = 64
    package var flows = 1
    package var rate = "1kpps"
    package var duration: String?
    /// A search's goals and settings (`traffic search`).
    package var goals: [String] = []
    /// Unset: `SearchSettings`' and `SearchGoal.pdrLoss`'s defaults (CSIT's).
    package var pdrLoss: String?, width: String?, trial: String?, final: String?, maxTime: String?
    package var verify = false

    /// Options for a generator sending out of `port`, the rest at their defaults.
    package init(port: String) { self.port = port }

    /// The options that reproduce `profile`.
    package init(_ profile: TrafficProfile) {
        port = profile.transmit
        rxPorts = profile.receive
        dstMAC = profile.destinationMAC.description
        srcIP = Probe.dotted(profile.ip.source)
        dstIP = Probe.dotted(profile.ip.destination)
        proto = profile.proto.rawValue
        (srcPort, dstPort) = profile.ports
        if let t = profile.tunnel {
            vni = t.vni
            innerDstMAC = t.innerDestinationMAC.description
            innerVLAN = t.innerVLAN
            innerDstIP = Probe.dotted(t.innerDestinationIP)
        }
        frameSize = profile.frameSize
        flows = profile.flows
        rate = "\(profile.rate)pps"
        duration = "\(profile.duration)s"
    }

    /// The generator's profile; an error names the option and what it takes.
    package func profile() throws(TrafficError) -> TrafficProfile {
        guard let transport = ProbeProtocol(rawValue: proto) else {
            throw .invalid("--proto \(proto): the generator sends udp, tcp or icmp (echo requests) probes")
        }
        var profile = TrafficProfile(transmit: port)
        profile.proto = transport
        profile.ports = (srcPort, dstPort)
        if let vni {
            guard vni <= 0xFF_FFFF else { throw .invalid("--vni \(vni): a VNI has 24 bits (0 to 16777215)") }
            var tunnel = VXLANTunnel(vni: vni)
            if let text = innerDstMAC {
                guard let mac = EtherAddress(text) else { throw .invalid("--inner-dst-mac \(text) is not a MAC address") }
                tunnel.innerDestinationMAC = mac
            }
            if let id = innerVLAN {
                guard id > 0 && id < 4095 else { throw .invalid("--inner-vlan \(id): give a VLAN ID from 1 to 4094") }
                tunnel.innerVLAN = id
            }
            if let text = innerDstIP {
                guard let ip = Probe.ipv4(text) else { throw .invalid("--inner-dst-ip \(text) is not an IPv4 address") }
                tunnel.innerDestinationIP = ip
            }
            profile.tunnel = tunnel
        } else if innerDstMAC != nil || innerVLAN != nil || innerDstIP != nil {
            throw .invalid("--inner-dst-mac, --inner-vlan and --inner-dst-ip describe a VXLAN frame's inner headers: give --vni too")
        }
        profile.receive = rxPorts
        if let dstMAC {
            guard let mac = EtherAddress(dstMAC) else { throw .invalid("--dst-mac \(dstMAC) is not a MAC address") }
            profile.destinationMAC = mac
        }
        guard let source = Probe.ipv4(srcIP), let destination = Probe.ipv4(dstIP) else { throw .invalid("--src-ip/--dst-ip: give IPv4 addresses") }
        profile.ip = (source, destination)
        profile.frameSize = frameSize
        profile.flows = flows
        guard let r = Quantity(rate), r.unit.dimension == .packetRate else { throw .invalid("--rate \(rate): give a packet rate such as 1kpps") }
        profile.rate = r.converted(to: .pps)
        if let duration {
            guard let d = Quantity(duration), d.unit.dimension == .time else { throw .invalid("--duration \(duration): give a time such as 10s") }
            profile.duration = d.converted(to: .s)
        }
        return profile
    }

    /// The search's settings (the profile's rate is the highest tried); an error names the option.
    package func searchSettings(maxRate: Double) throws(TrafficError) -> SearchSettings {
        func fraction(_ text: String, _ option: String) throws(TrafficError) -> Double {
            guard let q = Quantity(text), q.unit == .percent, q.value >= 0, q.value < 100 else {
                throw .invalid("\(option) \(text): give a percentage such as 0.5%")
            }
            return q.value / 100
        }
        func seconds(_ text: String, _ option: String) throws(TrafficError) -> Double {
            guard let q = Quantity(text), q.unit.dimension == .time, q.value > 0 else { throw .invalid("\(option) \(text): give a time such as 10s") }
            return q.converted(to: .s)
        }
        let pdr = try pdrLoss.map { text throws(TrafficError) in try fraction(text, "--pdr-loss") } ?? SearchGoal.pdrLoss
        var list: [SearchGoal] = []
        for name in goals.isEmpty ? SearchSpec.goalNames : goals {
            switch name {
            case "ndr": list.append(SearchGoal(name: "ndr", lossRatio: 0))
            case "pdr": list.append(SearchGoal(name: "pdr", lossRatio: pdr))
            default: throw .invalid("--goal \(name): give ndr or pdr")
            }
        }
        var settings = SearchSettings(goals: list, maxRate: maxRate)
        if let width {
            settings.width = try fraction(width, "--width")
            guard settings.width > 0 else { throw .invalid("--width \(width): give a positive percentage such as 0.5%") }
        }
        if let trial { settings.initialTrial = try seconds(trial, "--trial") }
        if let final { settings.finalTrial = try seconds(final, "--final") }
        settings.finalTrial = max(settings.finalTrial, settings.initialTrial)
        if let maxTime { settings.maxTime = try seconds(maxTime, "--max-time") }
        settings.verify = verify
        return settings
    }

    /// The command-line options, without the program and action words.
    package var arguments: [String] {
        var a = ["--port", port]
        for rx in rxPorts { a += ["--rx-port", rx] }
        if let dstMAC { a += ["--dst-mac", dstMAC] }
        a += ["--src-ip", srcIP, "--dst-ip", dstIP, "--proto", proto]
        if (srcPort, dstPort) != (9, 9) { a += ["--src-port", "\(srcPort)", "--dst-port", "\(dstPort)"] }
        if let vni { a += ["--vni", "\(vni)"] }
        if let innerDstMAC { a += ["--inner-dst-mac", innerDstMAC] }
        if let innerVLAN { a += ["--inner-vlan", "\(innerVLAN)"] }
        if let innerDstIP { a += ["--inner-dst-ip", innerDstIP] }
        a += ["--frame-size", "\(frameSize)", "--flows", "\(flows)", "--rate", rate]
        if let duration { a += ["--duration", duration] }
        return a
    }
}
