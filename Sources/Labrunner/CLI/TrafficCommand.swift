import ArgumentParser
import FastPath
import Foundation
import LabrunnerKit
import Scenarios

/// `labrunner traffic run|start|stop --port IF …`
struct TrafficCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "traffic",
        abstract:
            "The virtual lab's traffic generator: sequence-numbered UDP probes out of one interface, counted back in; prints a JSON report (sent, received, lost, late, loss %, outage ms)."
    )

    @Argument(
        help:
            "run (foreground), start (background), lap (prints a started run's report since its last lap; it goes on) or stop (ends a started run and prints its report)."
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
    @Option var proto = "udp"
    @Option(name: .customLong("frame-size")) var frameSize = 64
    @Option var flows = 1
    @Option(help: "Offered rate, e.g. 1kpps.") var rate = "1kpps"
    @Option(help: "How long, e.g. 10s.") var duration: String?
    @Option(help: "none (ndr and pdr searches are not built yet).") var search = "none"
    @Option var loss: String?
    @Option(name: .customLong("report-file"), help: "Also write the report here.") var reportFile: String?
    @Option(name: .customLong("lap-file"), help: "Write each lap's report here (a run ends a lap on SIGUSR1).") var lapFile: String?

    var arguments: TrafficArguments {
        var a = TrafficArguments(port: port)
        (a.rxPorts, a.dstMAC, a.srcIP, a.dstIP, a.proto) = (rxPorts, dstMAC, srcIP, dstIP, proto)
        (a.frameSize, a.flows, a.rate, a.duration, a.search) = (frameSize, flows, rate, duration, search)
        return a
    }

    func validate() throws {
        do { _ = try arguments.profile() } catch { throw ValidationError(error.description) }
    }

    func run() throws {
        let runner = TrafficRunner(installation: .current, port: port)
        do {
            switch action {
            case .run: print(try runner.run(try arguments.profile(), reportFile: reportFile, lapFile: lapFile))
            case .start: print(try runner.start(try arguments.profile(), hasDuration: duration != nil))
            case .lap: print(try runner.lap())
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
