import Foundation
import LabrunnerKit

extension Installation {
    /// This process's own installation: the one place the binary's path is read from argv.
    static let current = Installation(startedAs: CommandLine.arguments[0])

    /// Steps of the virtual lab call `labrunner fastpath`, `labrunner pdump` and `labrunner traffic`:
    /// they must find this very binary, also when it was started by path (.build/release/labrunner).
    func putOnPath() {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard !path.split(separator: ":").contains(Substring(directory)) else { return }
        setenv("PATH", "\(directory):\(path)", 1)
    }
}
