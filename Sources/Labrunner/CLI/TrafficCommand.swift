import ArgumentParser
import FastPath
import Foundation
import Scenarios

/// `labrunner traffic run|start|stop --port IF …`
struct TrafficCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract: "The virtual lab's traffic generator: sequence-numbered UDP probes out of one interface, counted back in; prints a JSON report (sent, received, lost, late, loss %, outage ms).")

    @Argument(help: "run (foreground), start (background) or stop (ends a started run and prints its report).")
    var action: String

    @Option(help: "Interface the probes leave through.")
    var port: String

    @Option(name: .customLong("rx-port"), help: "Interface the probes are counted on (repeatable; default: --port).")
    var rxPorts: [String] = []

    @Option(name: .customLong("dst-mac"), help: "Destination MAC (default broadcast).")
    var dstMAC: String?

    @Option(name: .customLong("src-ip")) var srcIP = "198.18.0.1"
    @Option(name: .customLong("dst-ip")) var dstIP = "198.18.0.2"
    @Option var proto = "udp"
    @Option(name: .customLong("frame-size")) var frameSize = 64
    @Option var flows = 1
    @Option(help: "Offered rate, e.g. 1kpps.") var rate = "1kpps"
    @Option(help: "How long, e.g. 10s.") var duration: String?
    @Option(help: "none (ndr and pdr searches are not built yet).") var search = "none"
    @Option var loss: String?
    @Option(name: .customLong("report-file"), help: "Also write the report here.") var reportFile: String?

    func run() throws {
        guard proto == "udp" || proto == "icmp" else { throw ValidationError("--proto \(proto): the generator sends udp or icmp (echo requests) probes") }
        guard search == "none" else { throw ValidationError("--search \(search): NDR/PDR search is not built yet; run at a fixed --rate") }
        var profile = TrafficProfile(transmit: port)
        profile.receive = rxPorts
        if let dstMAC {
            guard let mac = EtherAddress(dstMAC) else { throw ValidationError("--dst-mac \(dstMAC) is not a MAC address") }
            profile.destinationMAC = mac
        }
        guard let source = Probe.ipv4(srcIP), let destination = Probe.ipv4(dstIP) else { throw ValidationError("--src-ip/--dst-ip: give IPv4 addresses") }
        profile.ip = (source, destination)
        profile.frameSize = frameSize
        profile.icmp = proto == "icmp"
        profile.flows = flows
        guard let r = Quantity(rate), r.unit.dimension == .packetRate else { throw ValidationError("--rate \(rate): give a packet rate such as 1kpps") }
        profile.rate = r.converted(to: .pps)
        if let duration {
            guard let d = Quantity(duration), d.unit.dimension == .time else { throw ValidationError("--duration \(duration): give a time such as 10s") }
            profile.duration = d.converted(to: .s)
        }
        do {
            print(try TrafficRunner(action: action, profile: profile, port: port).run(arguments: Array(CommandLine.arguments.dropFirst(2))))
        } catch let error as FastPathError {
            throw ValidationError(error.description)
        }
    }
}
