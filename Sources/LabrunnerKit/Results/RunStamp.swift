import Foundation

/// The UTC time that names what a run writes into the report directory (`20261201-211653`), so run
/// directories and nightly summaries sort by when they were made.
enum RunStamp {
    /// `yyyyMMdd-HHmmss` in UTC.
    static func string(_ date: Date = Date()) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
