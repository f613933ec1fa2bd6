import FastPath
import Scenarios

/// A throughput search step's result as the generator reported it: every trial, and each goal with
/// its acceptable loss and the rate found. The run's report plots it.
package struct SearchRecord: Sendable {
    /// One goal of the search.
    package struct Goal: Sendable {
        package var name: String
        /// Acceptable loss, percent.
        package var lossPercent: Double
        /// The rate found, packets per second.
        package var rate: Double
    }

    /// The step that searched.
    package var step: String
    package var goals: [Goal]
    package var trials: [SearchTrial]
    /// Seconds the search took.
    package var seconds: Double

    /// The record of a generator's `search` report (its JSON), or nil when the report has no trials.
    init?(step: String, report: JSONValue) {
        guard let log = report["trial_log"]?.elements, !log.isEmpty else { return nil }
        self.step = step
        trials = log.map { t in
            SearchTrial(
                rate: t["rate"]?.number ?? 0, duration: t["duration"]?.number ?? 0, sent: t["sent"]?.unsignedCount ?? 0,
                received: t["received"]?.unsignedCount ?? 0, phase: Int(min(t["phase"]?.unsignedCount ?? 0, 1000)))
        }
        goals = ["ndr", "pdr"].compactMap { name in
            report[name]?.number.map { Goal(name: name, lossPercent: report["\(name)_loss"]?.number ?? 0, rate: $0) }
        }
        seconds = report["seconds"]?.number ?? 0
    }
}
