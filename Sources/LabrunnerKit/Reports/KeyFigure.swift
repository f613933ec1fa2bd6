/// The captured values summaries pick out: a search's NDR and PDR, a migration's total time and
/// downtime, the data plane's outage, loss and lost packets (by the last part of the capture's name:
/// `throughput.ndr`, `mig.downtime`, `lap.outage`).
enum KeyFigure {
    static let names = ["ndr", "pdr", "total_time", "downtime", "outage", "loss", "lost"]

    /// Whether the capture `name` is one.
    static func matches(_ name: String) -> Bool {
        names.contains(name.split(separator: ".").last.map(String.init) ?? name)
    }
}
