/// What a throughput search found: each goal's rate, the lowest rate that failed it, every trial, and
/// how long it took.
public struct SearchResult: Sendable {
    /// The goals searched.
    public var goals: [SearchGoal]
    /// Goal name → its rate, packets per second (0 when no final trial passed).
    public var rates: [String: Double]
    /// Goal name → the lowest rate that failed it (nil when none did: the rate is the maximum).
    public var upper: [String: Double?]
    /// Every trial, in order (a repeated trial appears twice).
    public var trials: [SearchTrial]
    /// Seconds the search took.
    public var seconds: Double
    /// Whether the time cap ended it before every goal reached its width.
    public var capped: Bool
    /// Goal name → the verification trials after the search: at its rate, then at 1.2 times it.
    public var verification: [String: [SearchTrial]] = [:]

    /// One JSON object: `{"ndr": pps, "ndr_loss": % (the goal's acceptable loss), "pdr": pps, "ndr_upper": pps|null, …, "ndr_verify_loss": %,
    /// "ndr_above_loss": % (with verify), "trials": n, "seconds": s (the search's, without verification),
    /// "capped": bool, "trial_log": [{rate, duration, sent, received, loss, phase}, …]}`.
    public var json: String {
        var fields: [String] = []
        for goal in goals {
            fields.append("\"\(goal.name)\": \(Self.number(rates[goal.name] ?? 0))")
            fields.append("\"\(goal.name)_loss\": \(Self.number(goal.lossRatio * 100))")
            fields.append("\"\(goal.name)_upper\": \((upper[goal.name] ?? nil).map(Self.number) ?? "null")")
        }
        for goal in goals {
            for (key, trial) in zip(["verify_loss", "above_loss"], verification[goal.name] ?? []) {
                fields.append("\"\(goal.name)_\(key)\": \(Self.number(trial.lossRatio * 100))")
            }
        }
        fields += ["\"trials\": \(trials.count)", "\"seconds\": \(Self.number(seconds))", "\"capped\": \(capped)"]
        fields.append("\"trial_log\": [" + trials.map(Self.json).joined(separator: ", ") + "]")
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// A trial as one JSON object (a `trials.jsonl` line).
    public static func json(_ t: SearchTrial) -> String {
        "{\"rate\": \(number(t.rate)), \"duration\": \(number(t.duration)), \"sent\": \(t.sent), \"received\": \(t.received), \"loss\": \(number(t.lossRatio * 100)), \"phase\": \(t.phase)}"
    }

    private static func number(_ v: Double) -> String { String(format: "%.3f", v) }
}
