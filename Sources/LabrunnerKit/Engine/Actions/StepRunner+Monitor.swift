import Foundation
import Scenarios

/// QMP and HMP commands to a VM role's monitor; a migration waits for the MIGRATION event.
extension StepRunner {
    /// Sends `command`; a migration waits until it ends and returns `query-migrate`.
    func monitor(_ command: MonitorCommand, migration: Bool) async throws -> StepOutput {
        guard let name = step.on else { throw StepError.unreachable("a VM") }
        let monitor = try await context.monitor(for: name)
        if migration {
            return StepOutput(
                stdout: try await timedMigration { try await MigrationHelper(monitor: monitor).migrate(command, timeout: timeout) }, stderr: "", status: nil)
        }
        let output =
            switch command {
            case .hmp(let line): try await monitor.hmp(line, timeout: timeout)
            case .qmp(let json): try await monitor.execute(json, timeout: timeout)
            }
        return StepOutput(stdout: output, stderr: "", status: nil)
    }

    /// Runs a migration (its result shaped like query-migrate) and keeps when it ran, on CLOCK_MONOTONIC,
    /// and its downtime for the report's timeline.
    func timedMigration(_ migrate: () async throws -> String) async throws -> String {
        let start = MonotonicClock.nanoseconds
        let job = try await migrate()
        await context.record(MigrationRecord(step: step.id, start: start, end: MonotonicClock.nanoseconds, queryMigrate: job))
        return job
    }
}
