import Foundation

/// How a throughput search runs: its goals, the precision it stops at, its trial durations and limits.
public struct SearchSettings: Sendable, Equatable {
    /// Goals found together, from the same trials.
    public var goals: [SearchGoal]
    /// Relative width of the final interval between a goal's passing and failing rates (0.005: 0.5 %).
    public var width: Double
    /// First phase's trial duration, and the final phase's (the verdicts rest on these), seconds.
    public var initialTrial: Double, finalTrial: Double
    /// Highest and lowest rate tried, packets per second.
    public var maxRate: Double, minRate: Double
    /// Longest the search may take, seconds; past it, it reports what it has, marked capped.
    public var maxTime: Double
    /// Whether final-length trials at each rate found and at 1.2 times it follow the search.
    public var verify = false

    /// Settings with CSIT's defaults for what is not given.
    public init(
        goals: [SearchGoal], width: Double = 0.005, initialTrial: Double = 1, finalTrial: Double = 10, maxRate: Double,
        minRate: Double? = nil, maxTime: Double = 300
    ) {
        self.goals = goals
        self.width = width
        self.initialTrial = initialTrial
        self.finalTrial = max(finalTrial, initialTrial)
        self.maxRate = maxRate
        self.minRate = minRate ?? max(1, maxRate / 1000)
        self.maxTime = maxTime
    }

    /// Trial durations of the phases, growing geometrically (×4 at most a phase: 1, 3.2 and 10 s for CSIT's
    /// 1 s and 10 s) from the initial to the final.
    public var phaseDurations: [Double] {
        guard finalTrial > initialTrial, initialTrial > 0 else { return [finalTrial] }
        let steps = Int((log(finalTrial / initialTrial) / log(4)).rounded(.up))
        return (0...steps).map { $0 == steps ? finalTrial : initialTrial * pow(finalTrial / initialTrial, Double($0) / Double(steps)) }
    }

    /// The relative width a phase stops at: the final width in the last two, and before them the width
    /// one halving (a trial at the geometric middle) takes to the next phase's, 1 − (1 − w)², compounded.
    /// The narrowing to the final width is done with the next-to-last phase's shorter trials; the last
    /// one measures the passing rates again at the final duration (a failure in a shorter trial stays an
    /// upper bound: a longer trial only loses more), and narrows again only where a rate no longer passes.
    public func width(ofPhase phase: Int) -> Double {
        1 - pow(1 - width, Double(1 << max(0, phaseDurations.count - 2 - phase)))
    }
}
