import Foundation

/// A migration drawn on the generator's timeline as an SVG: the probes sent and the probes answered in
/// each millisecond around it (answered drops where the data plane was out), the migration's span and
/// QEMU's downtime (the end of the migration) shaded. Both the probes and the migration are placed on
/// CLOCK_MONOTONIC.
struct MigrationTimelinePlot {
    let migration: MigrationRecord
    let traffic: TrafficRecord

    /// The traffic report whose interval holds the migration's end (the last such), for each migration.
    static func plots(_ migrations: [MigrationRecord], _ traffic: [TrafficRecord]) -> [MigrationTimelinePlot] {
        migrations.compactMap { m in
            traffic.last { $0.start <= m.end && m.end <= $0.end }.map { MigrationTimelinePlot(migration: m, traffic: $0) }
        }
    }

    /// Its file in the run directory.
    var fileName: String { "timeline-\(migration.step).svg" }

    private static let (width, height) = (820.0, 400.0)
    private static let (left, right, top, bottom) = (64.0, 24.0, 48.0, 78.0)
    /// At most this long before the migration's end is drawn (a long migration's start is cut), and this long after.
    private static let before: UInt64 = 3_000_000_000, after: UInt64 = 1_000_000_000, margin: UInt64 = 300_000_000

    /// Per millisecond from `from`: probes sent, and answered (sent less the loss windows' share).
    private func buckets(from: UInt64, to: UInt64) -> (sent: [Double], answered: [Double]) {
        let count = Int((to - from) / 1_000_000)
        let perMillisecond = traffic.rate / 1000
        var sent = [Double](repeating: 0, count: count)
        for i in 0..<count {
            let (s, e) = (from + UInt64(i) * 1_000_000, from + UInt64(i + 1) * 1_000_000)
            let overlap = Double(min(e, traffic.end) &- min(max(s, traffic.start), min(e, traffic.end))) / 1e6
            sent[i] = perMillisecond * overlap
        }
        var answered = sent
        for window in traffic.windows where window.end > from && window.start < to && window.end > window.start {
            let span = Double(window.end - window.start)
            let first = Int((max(window.start, from) - from) / 1_000_000), last = min(count - 1, Int((min(window.end, to) - from) / 1_000_000))
            guard first <= last else { continue }
            for i in first...last {
                let (s, e) = (from + UInt64(i) * 1_000_000, from + UInt64(i + 1) * 1_000_000)
                let overlap = Double(min(e, window.end) - max(s, window.start))
                answered[i] = max(0, answered[i] - Double(window.lost) * overlap / span)
            }
        }
        return (sent, answered)
    }

    var svg: String {
        var canvas = SVGCanvas(width: Self.width, height: Self.height)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let end = migration.end
        let from = max(traffic.start, max(migration.start, end > Self.before ? end - Self.before : 0) &- min(Self.margin, migration.start))
        let to = min(traffic.end, end + Self.after)
        guard to > from + 2_000_000 else { return canvas.svg }
        let (sent, answered) = buckets(from: from, to: to)
        let peak = max(1, (sent + answered).max() ?? 1) * 1.15
        let span = Double(to - from) / 1e6
        func x(_ ns: UInt64) -> Double { Self.left + Double(ns &- from) / 1e6 / span * plotWidth }
        func y(_ v: Double) -> Double { Self.top + plotHeight - v / peak * plotHeight }
        canvas.text(Self.left, 24, "Migration (step \(migration.step)): probes per millisecond, traffic step \(traffic.step)", size: 15)
        // The migration's span, and its downtime at its end.
        canvas.rect(
            x(max(migration.start, from)), Self.top, x(end) - x(max(migration.start, from)), plotHeight, fill: "#1f77b4", opacity: 0.08, kind: "migration")
        if let downtime = migration.downtime {
            let start = end &- min(end &- from, UInt64(downtime * 1e6))
            canvas.rect(x(start), Self.top, max(1.5, x(end) - x(start)), plotHeight, fill: "#d62728", opacity: 0.25, kind: "downtime")
            canvas.text(x(end) + 4, Self.top + 14, "QEMU downtime \(String(format: "%.0f", downtime)) ms", size: 11, fill: "#d62728")
        }
        canvas.text(x(max(migration.start, from)) + 4, Self.top + plotHeight - 6, "migrating", size: 11, fill: "#1f77b4")
        // Axes: ms relative to the migration's end.
        let step = [10.0, 20, 50, 100, 200, 500, 1000].first { span / $0 <= 8 } ?? 1000
        let firstTick = (-(Double(end &- from) / 1e6) / step).rounded(.up) * step
        for tick in stride(from: firstTick, through: Double(to &- end) / 1e6, by: step) {
            let xx = Self.left + (Double(end &- from) / 1e6 + tick) / span * plotWidth
            canvas.line(xx, Self.top, xx, Self.top + plotHeight, stroke: "#e4e4e4")
            canvas.text(xx, Self.top + plotHeight + 18, String(format: "%+.0f", tick), size: 11, anchor: .middle, fill: "#555")
        }
        for fraction in [0.0, 0.5, 1.0] {
            let v = peak / 1.15 * fraction
            canvas.line(Self.left, y(v), Self.left + plotWidth, y(v), stroke: "#e4e4e4")
            canvas.text(Self.left - 8, y(v) + 4, String(format: "%.1f", v), size: 11, anchor: .end, fill: "#555")
        }
        canvas.line(Self.left, Self.top + plotHeight, Self.left + plotWidth, Self.top + plotHeight, stroke: "#555")
        canvas.line(Self.left, Self.top, Self.left, Self.top + plotHeight, stroke: "#555")
        canvas.text(Self.left + plotWidth / 2, Self.top + plotHeight + 36, "ms from the migration's end", size: 12, anchor: .middle)
        canvas.text(18, Self.top + plotHeight / 2, "probes / ms", size: 12, anchor: .middle, rotate: true)
        func series(_ values: [Double]) -> [(Double, Double)] {
            values.enumerated().map { (Self.left + (Double($0.offset) + 0.5) / span * plotWidth, y($0.element)) }
        }
        canvas.path(series(sent), stroke: "#999", width: 1, kind: "sent")
        canvas.path(series(answered), stroke: "#1f77b4", width: 1.5, kind: "answered")
        let legendY = Self.top + plotHeight + 60
        canvas.line(Self.left, legendY - 4, Self.left + 20, legendY - 4, stroke: "#999")
        canvas.text(Self.left + 26, legendY, "sent", size: 11)
        canvas.line(Self.left + 70, legendY - 4, Self.left + 90, legendY - 4, stroke: "#1f77b4", width: 1.5)
        canvas.text(Self.left + 96, legendY, "answered", size: 11)
        let lost = traffic.windows.filter { $0.end > from && $0.start < to }.reduce(UInt64(0)) { $0 &+ $1.lost }
        canvas.text(Self.left + 170, legendY, "\(lost) probes lost in this span, at \(String(format: "%.0f", traffic.rate)) pps", size: 11, fill: "#555")
        return canvas.svg
    }
}
