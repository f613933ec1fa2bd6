import ArgumentParser
import FastPath
import LabrunnerKit

/// `labrunner fastpath [EAL options] -- [application options]`
struct FastPathCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fastpath",
        abstract: "The bundled forwarder, a testpmd work-alike (same options, prompt and output).",
        discussion:
            "Run `labrunner fastpath --help-options` for its options. The standalone `fastpath` binary is the same forwarder without libvirt and libssh2, for copying to hosts."
    )

    @Argument(parsing: .captureForPassthrough, help: "testpmd's arguments.")
    var arguments: [String] = []

    func run() throws {
        let args = arguments.map { $0 == "--help-options" ? "--help" : $0 }
        let status = FastPathMain.run(arguments: args)
        if status != 0 { throw ExitCode(status) }
    }
}
