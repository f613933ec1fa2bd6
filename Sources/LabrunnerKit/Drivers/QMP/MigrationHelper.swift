import Foundation
import Scenarios

/// Live migration over QMP as the guide's `(qemu) migrate …` means it: turn on migration events, start
/// the migration, wait for the MIGRATION event that ends it, and return `query-migrate`'s reply
/// (status, total time, downtime, transferred bytes, dirty sync count).
struct MigrationHelper {
    let monitor: any MonitorConnection

    /// Runs the migration command and waits until it completes or fails.
    func migrate(_ command: MonitorCommand, timeout: Duration) async throws -> String {
        let events = JSONValue.object([("capability", .string("events")), ("state", .bool(true))])
        _ = try await monitor.execute(
            .object([
                ("execute", .string("migrate-set-capabilities")),
                ("arguments", .object([("capabilities", .array([events]))])),
            ]), timeout: .seconds(5))
        switch command {
        case .hmp(let line):
            // Through QMP, HMP's migrate always detaches and says so; anything else it prints is an error.
            let text = try await monitor.hmp(line, timeout: .seconds(10))
            if !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !text.contains("continuing detached") {
                throw QMPError.command(name: "migrate", errorClass: "GenericError", description: text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
        case .qmp(let json):
            _ = try await monitor.execute(json, timeout: .seconds(10))
        }
        let ended: Set<String> = ["completed", "failed", "cancelled"]
        _ = try await monitor.waitForEvent("MIGRATION", timeout: timeout) { data in ended.contains(data["status"]?.string ?? "") }
        return try await monitor.execute(.object([("execute", .string("query-migrate"))]), timeout: .seconds(5))
    }
}
