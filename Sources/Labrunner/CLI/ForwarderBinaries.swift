import ArgumentParser
import FastPathCLI
import Foundation
import LabrunnerKit

/// The two forwarders a FastPath benchmark puts side by side.
struct ForwarderBinaries: ParsableArguments {
    @Option(help: "The fastpath binary (default: next to labrunner).")
    var fastpath: String?

    @Option(help: "The dpdk-testpmd binary.")
    var testpmd = "dpdk-testpmd"

    /// The fastpath binary to run.
    var fastpathBinary: String { fastpath ?? Installation.current.fastpath }

    func validate() throws {
        guard FileManager.default.isExecutableFile(atPath: fastpathBinary) else {
            throw ValidationError("no fastpath binary at \(fastpathBinary): build it (swift build -c release) or give --fastpath")
        }
    }
}
