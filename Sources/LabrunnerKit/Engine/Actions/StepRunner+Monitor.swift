import Foundation
import Scenarios

/// QMP and HMP commands to a VM role's monitor; a migration waits for the MIGRATION event.
extension StepRunner {
    /// Sends `command`; a migration waits until it ends and returns `query-migrate`.
    func monitor(_ command: MonitorCommand, migration: Bool) async throws -> StepOutput {
        guard let name = step.on else { throw StepError.unreachable("a VM") }
        let monitor = try await context.monitor(for: name)
        if migration {
            let start = MonotonicClock.nanoseconds
            let job = try await MigrationHelper(monitor: monitor).migrate(command, timeout: timeout)
            await context.record(MigrationRecord(step: step.id, start: start, end: MonotonicClock.nanoseconds, queryMigrate: job))
            return StepOutput(stdout: job, stderr: "", status: nil)
        }
        let output =
            switch command {
            case .hmp(let line): try await monitor.hmp(line, timeout: timeout)
            case .qmp(let json): try await monitor.execute(json, timeout: timeout)
            }
        return StepOutput(stdout: output, stderr: "", status: nil)
    }
}
