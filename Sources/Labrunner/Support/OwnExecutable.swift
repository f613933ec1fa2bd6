import Foundation

/// Where this labrunner binary is (the `fastpath` executable is built next to it).
enum OwnExecutable {
    /// The directory of the running binary, symlinks resolved.
    static var directory: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
    }
}
