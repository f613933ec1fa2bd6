import ArgumentParser
import Foundation

/// `labrunner lab …`
struct Lab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Prepare the embedded virtual lab.",
        subcommands: [BuildGuest.self])
}

/// `labrunner lab build-guest [--output DIR]`
struct BuildGuest: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build-guest",
        abstract: "Build the virtual lab's tiny guest (kernel + busybox initramfs) from this machine's Debian kernel.")

    @Option(help: "Where vmlinux and initrd.img go (the embedded lab boots them from /run/labrunner/guest).")
    var output = "/run/labrunner/guest"

    func run() async throws {
        print(try await GuestImage(output: URL(fileURLWithPath: output)).build(), terminator: "")
    }
}
