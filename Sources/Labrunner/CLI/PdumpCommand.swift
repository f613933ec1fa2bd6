import ArgumentParser
import FastPath
import LabrunnerKit

/// `labrunner pdump -- --pdump 'port=0,queue=*,rx-dev=capture.pcap'`
struct PdumpCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pdump",
        abstract: "Capture a running FastPath port into a pcap file (DPDK's pdump tool, same --pdump syntax).",
        discussion:
            "Options: [--file-prefix P | --control-socket S] -- --pdump 'port=<id>,queue=*,rx-dev=<file>[,tx-dev=<file>]'. Ctrl-C stops and completes the file."
    )

    @Argument(parsing: .captureForPassthrough, help: "pdump's arguments.")
    var arguments: [String] = []

    func run() throws {
        let status = PdumpMain.run(arguments: arguments)
        if status != 0 { throw ExitCode(status) }
    }
}
