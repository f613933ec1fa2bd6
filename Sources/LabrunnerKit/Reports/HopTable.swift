import Scenarios

/// The packets each hop of a path counted in one trial (generator tx → … → generator rx), and how
/// many were lost between each hop and the one before: the hop where they went missing.
struct HopTable {
    struct Row {
        let hop: String
        /// The count the hop's capture holds, nil when no step captured it.
        let packets: Int?
        /// Packets the previous hop passed on that this one did not count.
        let lost: Int?
    }

    let rows: [Row]

    init(graph: StepGraph, result: RunResult) {
        var captured: [String: String] = [:]
        for outcome in result.outcomes { captured.merge(outcome.captures) { $1 } }
        var previous: Int?
        var rows: [Row] = []
        for hop in graph.hops {
            let text = References.substitute(hop.text.value) { captured[$0] }
            let packets = Int(text.trimmingCharacters(in: .whitespaces))
            rows.append(Row(hop: hop.label, packets: packets, lost: previous.flatMap { p in packets.map { p - $0 } }))
            previous = packets
        }
        self.rows = rows
    }

    /// `[{hop, packets, lost}]`.
    var json: JSONValue {
        .array(
            rows.map { row in
                .object([("hop", .string(row.hop)), ("packets", row.packets.map { .int($0) } ?? .null), ("lost", row.lost.map { .int($0) } ?? .null)])
            })
    }

    /// A markdown table, and the hop that lost the most named under it.
    var markdown: [String] {
        var lines = TextTable(
            header: ["hop", "packets", "lost here"],
            rows: rows.map { [$0.hop, $0.packets.map(String.init) ?? "not measured", $0.lost.map(String.init) ?? ""] }
        ).markdown
        if let worst = rows.filter({ ($0.lost ?? 0) > 0 }).max(by: { ($0.lost ?? 0) < ($1.lost ?? 0) }) {
            lines += ["", "Most packets were lost at **\(worst.hop)** (\(worst.lost!))."]
        } else if rows.allSatisfy({ $0.packets != nil }) {
            lines += ["", "No hop lost a packet."]
        }
        return lines
    }
}
