import ArgumentParser
import FastPath

/// `labrunner ethtool -N eth1 flow-type udp4 … action N`
struct EthtoolCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ethtool",
        abstract: "ethtool's flow-steering options on the virtual lab's emulated NIC (same words and output).",
        discussion: "-K DEV ntuple on|off; -N DEV flow-type udp4|tcp4|ip4|ether … action N [loc N]; -N DEV delete N; -n DEV [rule N]; -S DEV."
    )

    @Argument(parsing: .captureForPassthrough, help: "ethtool's arguments.")
    var arguments: [String] = []

    func run() throws {
        let status = EthtoolMain.run(arguments: arguments)
        if status != 0 { throw ExitCode(status) }
    }
}
