import Foundation

/// Where this labrunner is installed: its own executable, and the `fastpath` binary built next to it.
/// The command line resolves it once, from the path the process was started by, and hands it on.
package struct Installation: Sendable {
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
