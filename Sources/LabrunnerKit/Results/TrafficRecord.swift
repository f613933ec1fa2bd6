import FastPath
import Scenarios

/// A traffic step's report with its loss windows: what the report's timeline draws around a migration.
package struct TrafficRecord: Sendable {
    /// The step that reported.
    package var step: String
    /// Offered rate, packets per second.
    package var rate: Double
    /// The interval it covers, ns on CLOCK_MONOTONIC.
    package var start: UInt64, end: UInt64
    /// Its loss windows, in order.
    package var windows: [LossWindow]

    /// The record of a generator's report (its JSON), or nil when it has no interval.
    init?(step: String, report: JSONValue) {
        guard let start = report["start_ns"]?.unsignedCount, let end = report["end_ns"]?.unsignedCount, end > start else { return nil }
        self.step = step
        self.start = start
        self.end = end
        rate = max(0, report["rate_pps"]?.number ?? 0)
        windows = (report["windows"]?.elements ?? []).prefix(TrafficReport.reportedWindows).compactMap { window in
            guard let parts = window.elements, parts.count == 3, let s = parts[0].unsignedCount, let e = parts[1].unsignedCount, e >= s,
                let lost = parts[2].unsignedCount
            else { return nil }
            return LossWindow(start: s, end: e, lost: lost)
        }
    }
}
