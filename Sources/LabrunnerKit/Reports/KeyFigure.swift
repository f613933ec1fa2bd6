/// The captured values summaries pick out: a search's NDR and PDR, a migration's total time and
/// downtime, the data plane's outage, loss and lost packets (by the last part of the capture's name:
/// `throughput.ndr`, `mig.downtime`, `lap.outage`).
enum KeyFigure {
    static let names = ["ndr", "pdr", "total_time", "downtime", "outage", "loss", "lost"]

    /// Whether the capture `name` is one.
    static func matches(_ name: String) -> Bool {
        names.contains(name.split(separator: ".").last.map(String.init) ?? name)
    }

    /// The key figures the steps captured, each name once with its last value (a `--rounds` run's
    /// rounds are in its round table), in the order first captured.
    static func latest(in outcomes: [StepOutcome]) -> [(String, String)] {
        var order: [String] = []
        var values: [String: String] = [:]
        for outcome in outcomes {
            for (name, value) in outcome.captures.sorted(by: { $0.key < $1.key }) where matches(name) {
                if values.updateValue(value, forKey: name) == nil { order.append(name) }
            }
        }
        return order.map { ($0, values[$0]!) }
    }
}
