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
        proto = profile.icmp ? "icmp" : "udp"
        frameSize = profile.frameSize
        flows = profile.flows
        rate = "\(profile.rate)pps"
        duration = "\(profile.duration)s"
    }

    /// The generator's profile; an error names the option and what it takes.
    package func profile() throws(TrafficError) -> TrafficProfile {
        guard proto == "udp" || proto == "icmp" else { throw .invalid("--proto \(proto): the generator sends udp or icmp (echo requests) probes") }
        var profile = TrafficProfile(transmit: port)
        profile.receive = rxPorts
        if let dstMAC {
            guard let mac = EtherAddress(dstMAC) else { throw .invalid("--dst-mac \(dstMAC) is not a MAC address") }
            profile.destinationMAC = mac
        }
        guard let source = Probe.ipv4(srcIP), let destination = Probe.ipv4(dstIP) else { throw .invalid("--src-ip/--dst-ip: give IPv4 addresses") }
        profile.ip = (source, destination)
        profile.frameSize = frameSize
        profile.icmp = proto == "icmp"
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
        a += ["--src-ip", srcIP, "--dst-ip", dstIP, "--proto", proto, "--frame-size", "\(frameSize)", "--flows", "\(flows)", "--rate", rate]
        if let duration { a += ["--duration", duration] }
        return a
    }
}
