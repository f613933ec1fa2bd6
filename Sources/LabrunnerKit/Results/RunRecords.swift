/// What a run's steps measured that its report draws: throughput searches, traffic reports with their
/// loss windows, and migrations, each in the order the steps made them.
package struct RunRecords: Sendable {
    package var searches: [SearchRecord] = []
    package var traffic: [TrafficRecord] = []
    package var migrations: [MigrationRecord] = []
}
