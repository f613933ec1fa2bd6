import Foundation

/// A throughput search of the MLRsearch kind (CSIT; IETF draft-ietf-bmwg-mlrsearch): every goal (NDR,
/// PDR) found from the same trials, in phases whose trials grow from the initial duration to the final
/// one while the width a phase stops at halves toward the final width, within a time cap.
///
/// The contract: a goal's reported rate passed a trial of the final duration, and the interval to the
/// lowest rate that failed one is at most the final width (or the rate is the maximum, or nothing
/// passed: 0). A failure that contradicts a pass (of the same rate, or of a higher one in a trial as
/// long) is tried once more at the same rate and duration before it counts, so one trial spoilt by a
/// stall of the machine does not pull the result down. With `verify`, a final-length trial at each
/// goal's rate (by the same rule, tried again once when it fails) and one at 1.2 times it follow
/// (VSPERF's verification), reported beside the result and not used by the search.
public struct ThroughputSearch {
    /// How it searches.
    public let settings: SearchSettings
    /// Runs one trial: offers `rate` packets a second for `duration` seconds; returns sent and received.
    private let measure: (_ rate: Double, _ duration: Double) throws -> (sent: UInt64, received: UInt64)
    /// Called with each trial as it ends.
    private let onTrial: (SearchTrial) -> Void

    /// A search that measures with `measure`.
    public init(
        settings: SearchSettings, onTrial: @escaping (SearchTrial) -> Void = { _ in },
        measure: @escaping (_ rate: Double, _ duration: Double) throws -> (sent: UInt64, received: UInt64)
    ) {
        self.settings = settings
        self.measure = measure
        self.onTrial = onTrial
    }

    /// What is known of one goal: the trials of its highest passing and lowest failing rate.
    private struct Bounds {
        var lower: SearchTrial?, upper: SearchTrial?
        /// How far the next try goes beyond a bound when the other is missing (doubles each time).
        var step = 0.0
    }

    /// Runs the search.
    public func run() throws -> SearchResult {
        let started = Date()
        let goals = settings.goals
        var bounds = [Bounds](repeating: Bounds(), count: goals.count)
        var trials: [SearchTrial] = []
        /// The trials the bounds rest on (a trial that was repeated counts by its repeat).
        var believed: [SearchTrial] = []
        var repeated = Set<String>()
        var capped = false

        // A goal's bounds, from every believed trial: the upper is the lowest failure not overridden by a
        // later pass at a rate at least its in a trial at least as long; the lower is the highest pass
        // below it among the longest trials that passed. So a pass one goal forgets another keeps, and
        // the looser goal (PDR) is never below the stricter (NDR).
        func record(_ t: SearchTrial) {
            trials.append(t)
            believed.append(t)
            onTrial(t)
            for (i, goal) in goals.enumerated() {
                var upper: SearchTrial?
                for (k, f) in believed.enumerated() where !goal.accepts(f) {
                    let overridden = believed[(k + 1)...].contains { goal.accepts($0) && $0.rate >= f.rate && $0.duration >= f.duration }
                    if !overridden && (upper == nil || f.rate < upper!.rate) { upper = f }
                }
                let passing = believed.filter { goal.accepts($0) && (upper == nil || $0.rate < upper!.rate) }
                let longest = passing.map(\.duration).max()
                bounds[i].lower = passing.filter { $0.duration == longest }.max { $0.rate < $1.rate }
                bounds[i].upper = upper
            }
        }

        func trial(_ rate: Double, _ duration: Double, phase: Int) throws {
            let r = min(settings.maxRate, max(settings.minRate, rate))
            let (sent, received) = try measure(r, duration)
            var t = SearchTrial(rate: r, duration: duration, sent: sent, received: received, phase: phase)
            // A failure that contradicts a pass — of this rate, or of a higher one in a trial as long — gets
            // one more trial before it counts.
            let key = "\(r)/\(duration)"
            let contradicts = goals.contains { goal in
                !goal.accepts(t) && trials.contains { goal.accepts($0) && ($0.rate == r || ($0.rate > r && $0.duration >= duration)) }
            }
            if contradicts && !repeated.contains(key) {
                repeated.insert(key)
                onTrial(t)
                trials.append(t)
                let (sent2, received2) = try measure(r, duration)
                t = SearchTrial(rate: r, duration: duration, sent: sent2, received: received2, phase: phase)
            }
            record(t)
        }

        /// The next rate goal `i` needs at trial duration `duration` to reach `width`, or nil when it has it.
        func next(_ i: Int, duration: Double, width: Double) -> Double? {
            var b = bounds[i]
            defer { bounds[i].step = b.step }
            guard let lower = b.lower?.rate, b.lower!.duration >= duration else {
                if let lower = b.lower { return lower.rate }  // passed at a shorter trial: measure it again at this one
                guard let failed = b.upper, failed.rate > settings.minRate else { return nil }  // nothing passes even at the lowest rate
                b.step = b.step == 0 ? width : min(0.5, b.step * 2)
                // Below what the path forwarded at the failing rate, where that is known.
                let below = failed.forwardingRate > 0 && failed.forwardingRate < failed.rate ? failed.forwardingRate : failed.rate
                return max(settings.minRate, below * (1 - b.step))
            }
            guard let upper = b.upper?.rate else {
                guard lower < settings.maxRate else { return nil }
                b.step = b.step == 0 ? width * 2 : min(1, b.step * 2)
                return min(settings.maxRate, lower * (1 + b.step))
            }
            b.step = 0
            return (upper - lower) / upper > width ? (lower + upper) / 2 : nil
        }

        let durations = settings.phaseDurations
        search: for (phase, duration) in durations.enumerated() {
            let width = settings.width(ofPhase: phase)
            if phase == 0 {
                try trial(settings.maxRate, duration, phase: phase)
            }
            while true {
                // The first goal that still needs a trial (each asked once: asking moves its step on).
                var wanted: Double?
                for i in goals.indices where wanted == nil { wanted = next(i, duration: duration, width: width) }
                guard let rate = wanted else { break }
                if Date().timeIntervalSince(started) + duration > settings.maxTime {
                    capped = true
                    break search
                }
                try trial(rate, duration, phase: phase)
            }
        }
        let final = settings.finalTrial
        var rates: [String: Double] = [:]
        for (i, goal) in goals.enumerated() {
            rates[goal.name] = bounds[i].lower.map { $0.duration >= final ? $0.rate : 0 } ?? 0
        }
        let seconds = Date().timeIntervalSince(started)
        var verification: [String: [SearchTrial]] = [:]
        if settings.verify {
            for goal in goals {
                guard let rate = rates[goal.name], rate > 0 else { continue }
                for r in rate < settings.maxRate ? [rate, min(settings.maxRate, rate * 1.2)] : [rate] {
                    var t: SearchTrial
                    var attempts = 0
                    // A verification failure at the goal's own rate contradicts the pass it rests on: as in
                    // the search, it is tried once more before it counts.
                    repeat {
                        let (sent, received) = try measure(r, final)
                        t = SearchTrial(rate: r, duration: final, sent: sent, received: received, phase: durations.count)
                        onTrial(t)
                        attempts += 1
                    } while r == rate && !goal.accepts(t) && attempts < 2
                    verification[goal.name, default: []].append(t)
                }
            }
        }
        return SearchResult(
            goals: goals, rates: rates, upper: Dictionary(uniqueKeysWithValues: goals.enumerated().map { ($1.name, bounds[$0].upper?.rate) }),
            trials: trials, seconds: seconds, capped: capped, verification: verification)
    }
}
