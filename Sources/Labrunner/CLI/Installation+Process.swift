import FastPathCLI
import Foundation

extension Installation {
    /// Steps of the virtual lab call `labrunner fastpath`, `labrunner pdump` and `labrunner traffic`:
    /// they must find this very binary, also when it was started by path (.build/release/labrunner).
    func putOnPath() {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        guard !path.split(separator: ":").contains(Substring(directory)) else { return }
        setenv("PATH", "\(directory):\(path)", 1)
    }
}
