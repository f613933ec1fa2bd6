import Foundation

/// A plot's drawing: elements in user units on a fixed-size canvas, rendered as a standalone SVG
/// document (no scripts, no external references; every text escaped).
struct SVGCanvas {
    let width: Double, height: Double
    private var elements: [String] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    mutating func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, stroke: String, width: Double = 1, dashed: Bool = false) {
        elements.append(
            "<line x1=\"\(n(x1))\" y1=\"\(n(y1))\" x2=\"\(n(x2))\" y2=\"\(n(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"\(dashed ? " stroke-dasharray=\"6 4\"" : "")/>"
        )
    }

    /// A point with a tooltip (its `<title>`); hollow when `fill` is nil.
    mutating func circle(_ x: Double, _ y: Double, radius: Double, fill: String?, stroke: String, tooltip: String, kind: String) {
        elements.append(
            "<circle class=\"\(kind)\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"\(n(radius))\" fill=\"\(fill ?? "white")\" stroke=\"\(stroke)\" stroke-width=\"1.5\"><title>\(MarkupText.escape(tooltip))</title></circle>"
        )
    }

    mutating func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, fill: String, opacity: Double = 1, kind: String? = nil) {
        elements.append(
            "<rect\(kind.map { " class=\"\($0)\"" } ?? "") x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(max(0, w)))\" height=\"\(n(max(0, h)))\" fill=\"\(fill)\" fill-opacity=\"\(n(opacity))\"/>"
        )
    }

    /// A polyline through `points` (a series over time).
    mutating func path(_ points: [(Double, Double)], stroke: String, width: Double = 1.5, kind: String) {
        guard let first = points.first else { return }
        let d = "M\(n(first.0)),\(n(first.1))" + points.dropFirst().map { " L\(n($0.0)),\(n($0.1))" }.joined()
        elements.append("<path class=\"\(kind)\" d=\"\(d)\" fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(n(width))\"/>")
    }

    enum Anchor: String { case start, middle, end }

    mutating func text(_ x: Double, _ y: Double, _ text: String, size: Double = 12, anchor: Anchor = .start, fill: String = "#222", rotate: Bool = false) {
        let turn = rotate ? " transform=\"rotate(-90 \(n(x)) \(n(y)))\"" : ""
        elements.append(
            "<text x=\"\(n(x))\" y=\"\(n(y))\" font-size=\"\(n(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\"\(turn)>\(MarkupText.escape(text))</text>"
        )
    }

    var svg: String {
        """
        <?xml version="1.0" encoding="UTF-8"?>
        <svg xmlns="http://www.w3.org/2000/svg" width="\(n(width))" height="\(n(height))" viewBox="0 0 \(n(width)) \(n(height))" font-family="sans-serif">
        <rect width="100%" height="100%" fill="white"/>
        \(elements.joined(separator: "\n"))
        </svg>

        """
    }

    private func n(_ v: Double) -> String { String(format: "%.1f", v.isFinite ? v : 0) }
}
