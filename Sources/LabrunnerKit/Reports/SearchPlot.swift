import FastPath
import Foundation

/// A throughput search drawn as an SVG: every trial's loss against the rate it offered (loss on a log
/// scale, 0 on its own row at the bottom), final-length trials filled and earlier ones hollow, each
/// goal's acceptable loss and the rate it found marked. Hovering a point names the trial.
struct SearchPlot {
    let record: SearchRecord

    /// Its file in the run directory.
    var fileName: String { "search-\(record.step).svg" }

    private static let (width, height) = (820.0, 460.0)
    private static let (left, right, top, bottom) = (78.0, 24.0, 48.0, 80.0)
    /// Loss decades on the y axis, percent; 0 is drawn one decade below the lowest.
    private static let decades: [Double] = [0.001, 0.01, 0.1, 1, 10, 100]
    private static let colors = (pass: "#2ca02c", partial: "#ff7f0e", fail: "#d62728", axis: "#555", grid: "#e4e4e4")

    var svg: String {
        var canvas = SVGCanvas(width: Self.width, height: Self.height)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let maxRate = max(record.trials.map(\.rate).max() ?? 1, record.goals.map(\.rate).max() ?? 0, 1) * 1.05
        let unit = RateUnit(maxRate)
        func x(_ rate: Double) -> Double { Self.left + rate / maxRate * plotWidth }
        // Rows: "0" at the bottom, then one per decade.
        let rows = Double(Self.decades.count)
        func y(_ lossPercent: Double) -> Double {
            let row = lossPercent <= 0 ? 0 : 1 + max(0, min(rows - 1, log10(lossPercent / Self.decades[0])))
            return Self.top + plotHeight - row / rows * plotHeight
        }
        canvas.text(Self.left, 24, "Throughput search (step \(record.step)): loss against offered rate", size: 15)
        canvas.text(
            Self.width - Self.right, 24, "\(record.trials.count) trials in \(String(format: "%.1f", record.seconds)) s", size: 12, anchor: .end, fill: "#555")
        // Grid and axes.
        for (index, label) in (["0"] + Self.decades.map { Self.percent($0) }).enumerated() {
            let yy = Self.top + plotHeight - Double(index) / rows * plotHeight
            canvas.line(Self.left, yy, Self.left + plotWidth, yy, stroke: Self.colors.grid)
            canvas.text(Self.left - 8, yy + 4, label, size: 11, anchor: .end, fill: Self.colors.axis)
        }
        for tick in unit.ticks(upTo: maxRate) {
            canvas.line(x(tick), Self.top, x(tick), Self.top + plotHeight, stroke: Self.colors.grid)
            canvas.text(x(tick), Self.top + plotHeight + 18, unit.label(tick), size: 11, anchor: .middle, fill: Self.colors.axis)
        }
        canvas.line(Self.left, Self.top + plotHeight, Self.left + plotWidth, Self.top + plotHeight, stroke: Self.colors.axis)
        canvas.line(Self.left, Self.top, Self.left, Self.top + plotHeight, stroke: Self.colors.axis)
        canvas.text(Self.left + plotWidth / 2, Self.top + plotHeight + 36, "offered rate (\(unit.name))", size: 12, anchor: .middle)
        canvas.text(20, Self.top + plotHeight / 2, "loss", size: 12, anchor: .middle, rotate: true)
        // Each goal: its acceptable loss (a horizontal line, for a goal that allows loss) and its rate.
        let partialLoss = record.goals.map(\.lossPercent).filter { $0 > 0 }.min()
        for goal in record.goals {
            let color = goal.lossPercent > 0 ? Self.colors.partial : Self.colors.pass
            if goal.lossPercent > 0 { canvas.line(Self.left, y(goal.lossPercent), Self.left + plotWidth, y(goal.lossPercent), stroke: color, dashed: true) }
            canvas.line(x(goal.rate), Self.top, x(goal.rate), Self.top + plotHeight, stroke: color, width: 1.5, dashed: true)
            let label = "\(goal.name.uppercased()) \(unit.label(goal.rate)) \(unit.name)"
            canvas.text(x(goal.rate) + 4, Self.top + 12 + (goal.lossPercent > 0 ? 14 : 0), label, size: 11, fill: color)
        }
        // The trials, in order.
        let finalPhase = record.trials.map(\.phase).max() ?? 0
        for (number, trial) in record.trials.enumerated() {
            let loss = trial.lossRatio * 100
            let color = loss == 0 ? Self.colors.pass : loss <= (partialLoss ?? 0) ? Self.colors.partial : Self.colors.fail
            let isFinal = trial.phase == finalPhase
            let tooltip =
                "trial \(number + 1) (phase \(trial.phase)): \(unit.label(trial.rate)) \(unit.name) for \(String(format: "%.1f", trial.duration)) s, "
                + "sent \(trial.sent), received \(trial.received), loss \(String(format: "%.4f", loss)) %"
            canvas.circle(x(trial.rate), y(loss), radius: isFinal ? 5 : 3.5, fill: isFinal ? color : nil, stroke: color, tooltip: tooltip, kind: "trial")
        }
        // Legend.
        let legendY = Self.top + plotHeight + 64
        canvas.circle(Self.left + 4, legendY - 4, radius: 5, fill: "#888", stroke: "#888", tooltip: "final trial", kind: "legend")
        canvas.text(Self.left + 14, legendY, "final-length trial", size: 11)
        canvas.circle(Self.left + 134, legendY - 4, radius: 3.5, fill: nil, stroke: "#888", tooltip: "short trial", kind: "legend")
        canvas.text(Self.left + 144, legendY, "shorter trial", size: 11)
        canvas.text(
            Self.left + 244, legendY, "green: no loss · orange: within \(partialLoss.map(Self.percent) ?? "PDR's loss") · red: more", size: 11, fill: "#555")
        return canvas.svg
    }

    private static func percent(_ v: Double) -> String {
        (v >= 1 ? String(format: "%.0f", v) : String(format: "%g", v)) + " %"
    }

    /// pps, kpps or Mpps, whichever keeps the axis's numbers short, with round ticks.
    private struct RateUnit {
        let name: String
        let scale: Double

        init(_ maxRate: Double) {
            (name, scale) = maxRate >= 2e6 ? ("Mpps", 1e6) : maxRate >= 2e3 ? ("kpps", 1e3) : ("pps", 1)
        }

        func label(_ rate: Double) -> String {
            let v = rate / scale
            return v >= 100 ? String(format: "%.0f", v) : v >= 10 ? String(format: "%.1f", v) : String(format: "%.2f", v)
        }

        /// About five ticks at 1, 2 or 5 times a power of ten.
        func ticks(upTo maxRate: Double) -> [Double] {
            let raw = maxRate / 5
            let power = pow(10, floor(log10(raw)))
            let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= raw } ?? power * 10
            return stride(from: 0, through: maxRate, by: step).map { $0 }
        }
    }
}
