import Foundation

/// Secrets a lab names by environment variable (password_env): read once, then taken out of
/// labrunner's own environment, so that no step, forwarder or QEMU it starts inherits them (a step that
/// prints its environment would put them into its log and the reports).
final class EnvironmentSecrets: @unchecked Sendable {
    static let shared = EnvironmentSecrets()
    private let lock = NSLock()
    private var taken: [String: String] = [:]

    /// Takes `variables` out of the environment, keeping their values.
    func take(_ variables: some Sequence<String>) {
        lock.withLock {
            for variable in variables where taken[variable] == nil {
                guard let value = ProcessInfo.processInfo.environment[variable] else { continue }
                taken[variable] = value
                unsetenv(variable)
            }
        }
    }

    /// The value `variable` had, once taken.
    func value(of variable: String) -> String? { lock.withLock { taken[variable] } }
}
