import Foundation
import Glibc

/// `labrunner pdump [--file-prefix P | --control-socket S] -- --pdump 'port=0,queue=*,rx-dev=F'`:
/// DPDK's pdump tool for FastPath. Captures until SIGINT/SIGTERM, then prints its counts.
public enum PdumpMain {
    /// Runs the tool; returns the exit status.
    public static func run(arguments: [String]) -> Int32 {
        do {
            var prefix = "rte"
            var socket: String?
            var specs = [PdumpSpec]()
            var cursor = ArgumentCursor(arguments.filter { $0 != "--" })
            while let option = cursor.next() {
                switch option.name {
                case "--file-prefix": prefix = try cursor.value(for: option)
                case "--control-socket": socket = try cursor.value(for: option)
                case "--pdump": specs.append(try PdumpSpec(try cursor.value(for: option)))
                case "-l", "-c", "-n", "--log-level", "--proc-type": _ = try cursor.value(for: option)
                case "--no-huge", "--in-memory", "--no-pci", "--multi": break
                default: throw FastPathError.invalid("unknown option '\(option.name)'; use --pdump 'port=0,queue=*,rx-dev=<file>'")
                }
            }
            guard specs.count == 1 else { throw FastPathError.invalid("give exactly one --pdump 'port=<id>,queue=*,rx-dev=<file>[,tx-dev=<file>]'") }
            let path = socket ?? RuntimePaths.controlSocket(filePrefix: prefix)
            let client = try PdumpClient(socket: path, spec: specs[0])
            let stop = SignalPipe.install()
            let spec = specs[0]
            let what = [spec.rxFile.map { "rx to \($0)" }, spec.txFile.map { "tx to \($0)" }].compactMap { $0 }.joined(separator: ", ")
            Console.write("Port \(spec.port): capturing \(what) from the primary process at \(path)\nPress Ctrl-C to stop\n")
            let reason = client.run(until: stop)
            let rx = client.written[.rx] ?? 0, tx = client.written[.tx] ?? 0
            Console.write("\nSignal received, \(reason == "stopped" ? "exiting" : reason)...\n")
            Console.write(
                "##### PDUMP DEBUG STATS #####\n -packets dequeued:            \(rx + tx)\n -packets transmitted to vdev: \(rx + tx)\n -packets freed:               0\n"
            )
            return reason == "stopped" || reason.contains("closed") ? 0 : 1
        } catch let error as FastPathError {
            FileHandle.standardError.write(Data("pdump: error: \(error.description)\n".utf8))
            return 2
        } catch {
            return 2
        }
    }
}
