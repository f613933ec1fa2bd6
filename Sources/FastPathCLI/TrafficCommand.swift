import ArgumentParser
import FastPath
import Foundation
import Scenarios

/// `labrunner traffic run|start|lap|stop|search --port IF …`, in labrunner and in the standalone `fastpath`
/// (what a copy of FastPath on a lab host runs).
package struct TrafficCommand: ParsableCommand {
    package static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract:
            "FastPath's traffic generator: sequence-numbered probes out of one interface, counted back in; prints a JSON report (sent, received, lost, late, loss %, outage ms)."
    )

    @Argument(
        help:
            "run (foreground), start (background), lap (prints a started run's report since its last lap; it goes on), stop (ends a started run and prints its report) or search (finds NDR and PDR up to --rate)."
    )
    var action: TrafficAction

    @Option(help: "Interface the probes leave through.")
    var port: String

    @Option(name: .customLong("rx-port"), help: "Interface the probes are counted on (repeatable; default: --port).")
    var rxPorts: [String] = []

    @Option(name: .customLong("dst-mac"), help: "Destination MAC (default broadcast).")
    var dstMAC: String?

    @Option(name: .customLong("src-ip")) var srcIP = "198.18.0.1"
    @Option(name: .customLong("dst-ip")) var dstIP = "198.18.0.2"
    @Option(help: "udp, tcp or icmp (echo requests).") var proto = "udp"
    @Option(name: .customLong("src-port"), help: "UDP or TCP source port.") var srcPort: UInt16 = 9
    @Option(name: .customLong("dst-port"), help: "UDP or TCP destination port.") var dstPort: UInt16 = 9
    @Option(help: "Encapsulate in VXLAN with this VNI (the addresses above are the outer headers').") var vni: UInt32?
    @Option(name: .customLong("inner-dst-mac"), help: "VXLAN: the inner frame's destination MAC.") var innerDstMAC: String?
    @Option(name: .customLong("inner-vlan"), help: "VXLAN: tag the inner frame with this VLAN ID.") var innerVLAN: UInt16?
    @Option(name: .customLong("inner-dst-ip"), help: "VXLAN: the inner destination IPv4 address.") var innerDstIP: String?
    @Option(name: .customLong("frame-size")) var frameSize = 64
    @Option var flows = 1
    @Option(help: "Offered rate, e.g. 1kpps.") var rate = "1kpps"
    @Option(help: "How long, e.g. 10s.") var duration: String?
    @Option(help: "search: a goal, ndr or pdr (repeatable; default both).") var goal: [String] = []
    @Option(name: .customLong("pdr-loss"), help: "search: PDR's acceptable loss (default 0.5%).") var pdrLoss: String?
    @Option(help: "search: relative width of the final interval (default 0.5%).") var width: String?
    @Option(help: "search: first trial duration (default 1s).") var trial: String?
    @Option(help: "search: final trial duration, on which the verdicts rest (default 10s).") var final: String?
    @Option(name: .customLong("max-time"), help: "search: time cap (default 5min).") var maxTime: String?
    @Flag(help: "search: then a final-length trial at each rate found and at 1.2 times it.") var verify = false
    @Option(name: .customLong("report-file"), help: "Also write the report here.") var reportFile: String?
    @Option(name: .customLong("lap-file"), help: "Write each lap's report here (a run ends a lap on SIGUSR1).") var lapFile: String?

    var arguments: TrafficArguments {
        var a = TrafficArguments(port: port)
        (a.rxPorts, a.dstMAC, a.srcIP, a.dstIP, a.proto) = (rxPorts, dstMAC, srcIP, dstIP, proto)
        (a.frameSize, a.flows, a.rate, a.duration) = (frameSize, flows, rate, duration)
        (a.srcPort, a.dstPort, a.vni, a.innerDstMAC, a.innerVLAN, a.innerDstIP) = (srcPort, dstPort, vni, innerDstMAC, innerVLAN, innerDstIP)
        (a.goals, a.pdrLoss, a.width, a.trial, a.final, a.maxTime, a.verify) = (goal, pdrLoss, width, trial, final, maxTime, verify)
        return a
    }

    package init() {}

    package func validate() throws {
        do {
            let profile = try arguments.profile()
            if action == .search { _ = try arguments.searchSettings(maxRate: profile.rate) }
        } catch { throw ValidationError(error.description) }
    }

    package func run() throws {
        let runner = TrafficRunner(installation: .current, port: port)
        do {
            switch action {
            case .run: print(try runner.run(try arguments.profile(), reportFile: reportFile, lapFile: lapFile))
            case .start: print(try runner.start(try arguments.profile(), hasDuration: duration != nil))
            case .lap: print(try runner.lap())
            case .search:
                let profile = try arguments.profile()
                print(try runner.search(profile, settings: try arguments.searchSettings(maxRate: profile.rate)))
            case .stop: print(try runner.stop())
            }
        } catch let error as FastPathError {
            throw ValidationError(error.description)
        } catch let error as TrafficError {
            throw ValidationError(error.description)
        }
    }
}

extension TrafficAction: ExpressibleByArgument {}
