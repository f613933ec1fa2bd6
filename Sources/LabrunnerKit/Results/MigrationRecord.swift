import Scenarios

/// A migration step: when it ran (ns on CLOCK_MONOTONIC, so the generator's probes can be placed
/// around it) and the downtime QEMU reported.
package struct MigrationRecord: Sendable {
    /// The step that migrated.
    package var step: String
    /// When the step sent the migration and when it saw it end.
    package var start: UInt64, end: UInt64
    /// QEMU's downtime, ms (query-migrate's), when it said.
    package var downtime: Double?

    init(step: String, start: UInt64, end: UInt64, queryMigrate: String) {
        self.step = step
        self.start = start
        self.end = end
        downtime = JSONValue.reply(in: queryMigrate)?["downtime"]?.number.map { max(0, $0) }
    }
}
