import Foundation

/// A throughput search of the MLRsearch kind (CSIT; IETF draft-ietf-bmwg-mlrsearch): every goal (NDR,
/// PDR) found from the same trials, in phases whose trials grow from the initial duration to the final
/// one while the width a phase stops at halves toward the final width, within a time cap.
///
/// The contract: a goal's reported rate passed a trial of the final duration, and the interval to the
/// lowest rate that failed one is at most the final width (or the rate is the maximum, or nothing
/// passed: 0). A failure that contradicts a pass (of the same or a higher rate, in a trial at least as
/// long) is tried once more at the same rate and duration before it counts, so one trial spoilt by a
/// stall of the machine does not pull the result down. A failure at a rate that passed only shorter
/// trials is believed at once (longer trials lose more, and repeating it would cost a final trial on
/// every path with buffers); spoilt, it costs at most the width, as the search then lands within the
/// width below it. With `verify`, a final-length trial at each
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
        /// How many trials in a row went beyond a bound, the other missing (each goes further).
        var stepped = 0
        /// Whether the last trial between the bounds was placed by a guess of the boundary.
        var guessed = false
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
            // A failure that contradicts a pass — of this rate or a higher one, in a trial as long — gets one
            // more trial before it counts. (A pass in a shorter trial is no contradiction: longer trials lose more.)
            let key = "\(r)/\(duration)"
            let contradicts = goals.contains { goal in
                !goal.accepts(t) && trials.contains { goal.accepts($0) && $0.rate >= r && $0.duration >= duration }
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
            let inside = width * (1 - 1e-6)  // a rate this far from a bound is within the width of it, rounding included
            guard let passed = bounds[i].lower, passed.duration >= duration else {
                if let passed = bounds[i].lower { return passed.rate }  // passed at a shorter trial: measure it again at this one
                guard let failed = bounds[i].upper, failed.rate > settings.minRate else { return nil }  // nothing passes even at the lowest rate
                // Below the failure by the width twice (the first lands within the width of it), then by
                // twice as much each time; or at what the path forwarded at the failing rate, when lower.
                bounds[i].stepped += 1
                let step = min(0.5, inside * Double(1 << min(10, max(0, bounds[i].stepped - 2))))
                let forwarded = failed.forwardingRate > 0 ? failed.forwardingRate : failed.rate
                return max(settings.minRate, min(failed.rate * (1 - step), forwarded))
            }
            guard let failed = bounds[i].upper else {
                guard passed.rate < settings.maxRate else { return nil }
                bounds[i].stepped += 1
                return min(settings.maxRate, passed.rate * (1 + min(1, width * Double(1 << min(10, bounds[i].stepped)))))
            }
            bounds[i].stepped = 0
            let (lower, upper) = (passed.rate, failed.rate)
            guard (upper - lower) / upper > width else { return nil }
            // Where the goal's boundary most likely is: where a path forwarding what it did at the pass (when
            // that lost some: a trial as long as this phase's, at the edge) or else at the failure loses just
            // the goal's share. A trial that the boundary says passes (or fails) is placed where that ends
            // the narrowing: the width below the failure (or above the pass). After such a guess the next
            // trial is at the geometric middle (one such trial takes an interval of 1 − (1 − w)² to w), so
            // a path the guess misreads still narrows by halves.
            bounds[i].guessed.toggle()
            guard bounds[i].guessed else { return (lower * upper).squareRoot() }
            let seen = passed.lossRatio > 0 ? passed : failed
            let boundary = seen.forwardingRate / (1 - goals[i].lossRatio)
            return min(upper * (1 - inside), max(lower / (1 - inside), boundary))
        }

        let durations = settings.phaseDurations
        search: for (phase, duration) in durations.enumerated() {
            let width = settings.width(ofPhase: phase)
            for i in bounds.indices { bounds[i].guessed = false }
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
