import ArgumentParser
import FastPathCLI
import Foundation
import LabrunnerKit

/// `labrunner lab build-guest [--output DIR]`
struct BuildGuest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-guest",
        abstract: "Build the virtual lab's tiny guest (kernel + busybox initramfs) from this machine's Debian kernel.")

    @Option(help: "Where vmlinux, initrd.img and fastpath.img go (the embedded lab boots them from /run/labrunner/guest).")
    var output = "/run/labrunner/guest"

    @Option(help: "The fastpath binary for forwarder guests' disk (default: next to labrunner; none there, no disk).")
    var fastpath: String?

    func validate() throws {
        if let fastpath, !FileManager.default.isExecutableFile(atPath: fastpath) { throw ValidationError("--fastpath \(fastpath): no such executable") }
    }

    func run() async throws {
        let binary = fastpath ?? Installation.current.fastpath
        let included = FileManager.default.isExecutableFile(atPath: binary) ? binary : nil
        print(try await GuestImage(output: URL(fileURLWithPath: output), fastpath: included).build(), terminator: "")
    }
}
