import Foundation

/// Where this labrunner is installed: its own executable, and the `fastpath` binary built next to it.
/// The command line resolves it once, from the path the process was started by, and hands it on. In a
/// copy of FastPath on a lab host, the executable is the copy's `labrunner` wrapper.
package struct Installation: Sendable {
    /// This process's own installation: the one place the binary's path is read from argv.
    package static let current = Installation(startedAs: CommandLine.arguments[0])

    /// The running labrunner binary, symlinks resolved.
    package let executable: String

    /// `executable` is the path the process was started by (argv[0]); a bare name is looked up on PATH.
    package init(startedAs executable: String) {
        var path = executable
        if !path.contains("/") {
            let search = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            path = search.map { "\($0)/\(executable)" }.first(where: FileManager.default.isExecutableFile(atPath:)) ?? executable
        }
        self.executable = URL(fileURLWithPath: path).resolvingSymlinksInPath().path
    }

    /// The directory holding labrunner (and, when built together, fastpath).
    package var directory: String { URL(fileURLWithPath: executable).deletingLastPathComponent().path }

    /// The standalone forwarder built next to labrunner.
    package var fastpath: String { "\(directory)/fastpath" }
}
