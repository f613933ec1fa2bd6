import Scenarios

/// A connection to a VM's monitor: QMP commands with id-matched replies, HMP through QMP, and events.
protocol MonitorConnection: Sendable {
    /// Runs a QMP command; returns the reply line as QEMU sent it (`{"return": …}`).
    func execute(_ command: JSONValue, timeout: Duration) async throws -> String
    /// Runs an HMP command through `human-monitor-command`; returns its text.
    func hmp(_ commandLine: String, timeout: Duration) async throws -> String
    /// Waits for an event (MIGRATION, STOP, RESUME…) whose data satisfies `matching`; returns its JSON line.
    func waitForEvent(_ name: String, timeout: Duration, matching: @escaping @Sendable (JSONValue) -> Bool) async throws -> String
    /// Closes the connection.
    func close()
}
