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
        let captured = result.captured
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

    /// The table (a hop that counted more than the one before shows `+N`: frames from elsewhere, such as
    /// the guest's own).
    var table: TextTable {
        TextTable(
            header: ["hop", "packets", "lost here"],
            rows: rows.map { row in
                [row.hop, row.packets.map(String.init) ?? "not measured", row.lost.map { $0 < 0 ? "+\(-$0)" : String($0) } ?? ""]
            })
    }

    /// The sentence under it: how many were lost end to end and the hop that lost most of them.
    var conclusion: String? {
        guard let first = rows.first?.packets, let last = rows.last?.packets, rows.allSatisfy({ $0.packets != nil }) else { return nil }
        if first - last <= 0 { return "No packet of the trial was lost end to end." }
        guard let worst = rows.max(by: { ($0.lost ?? 0) < ($1.lost ?? 0) }), let lost = worst.lost, lost > 0 else { return nil }
        return "\(first - last) of \(first) packets were lost; most at \(worst.hop) (\(lost))."
    }

    /// The table in Markdown, and the conclusion under it.
    var markdown: [String] { table.markdown + (conclusion.map { ["", $0] } ?? []) }
}
