import ArgumentParser
import Foundation
import LabrunnerKit

/// The two forwarders a FastPath benchmark puts side by side.
struct ForwarderBinaries: ParsableArguments {
    @Option(help: "The fastpath binary (default: next to labrunner).")
    var fastpath: String?

    @Option(help: "The dpdk-testpmd binary.")
    var testpmd = "dpdk-testpmd"

    /// The fastpath binary to run; an error says how to get one.
    func fastpathBinary() throws -> String {
        let binary = fastpath ?? Installation.current.fastpath
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw ValidationError("no fastpath binary at \(binary): build it (swift build -c release) or give --fastpath")
        }
        return binary
    }
}
