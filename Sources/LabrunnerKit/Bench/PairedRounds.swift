import Foundation

/// Two set-ups measured back to back in every round (FastPath's and dpdk-testpmd's), compared round
/// by round: this machine changes speed between rounds, so rates are only compared within one.
/// It also falls, now and then, into a slow mode that holds any program to about a third of its
/// rate. A trial below `slow` of its own set-up's best ran in that mode; a round whose two trials
/// ran in different modes compares the machine, not the programs, and is left out of the ratio
/// (and named), unless that would leave none.
package struct PairedRounds {
    package let title: String
    package let fastpathLabel: String
    package let testpmdLabel: String
    package var fastpath: [Double] = []
    package var testpmd: [Double] = []
    /// A trial below this share of its set-up's best ran in the slow mode.
    package static let slow = 0.6

    package init(title: String, fastpath: String, testpmd: String) {
        self.title = title
        fastpathLabel = fastpath
        testpmdLabel = testpmd
    }

    /// Each round's FastPath rate over testpmd's.
    package var ratios: [Double] { zip(fastpath, testpmd).map { $0 / $1 } }

    /// The rounds whose two trials ran in the same mode.
    package var cleanRounds: [Int] {
        func slowTrials(_ rates: [Double]) -> [Bool] {
            let best = rates.max() ?? 0
            return rates.map { $0 < Self.slow * best }
        }
        return zip(slowTrials(fastpath), slowTrials(testpmd)).enumerated().filter { $0.element.0 == $0.element.1 }.map(\.offset)
    }

    /// The median ratio of the clean rounds (of all rounds when none is clean).
    package var ratio: Double {
        let clean = cleanRounds
        let all = ratios
        return Median.of(clean.isEmpty ? all : clean.map { all[$0] })
    }

    package var summary: [String] {
        func list(_ v: [Double], _ format: String = "%.2f") -> String { v.map { String(format: format, $0) }.joined(separator: ", ") }
        let clean = cleanRounds
        let width = max(fastpathLabel.count, testpmdLabel.count) + 1
        func label(_ s: String) -> String { (s + ":").padding(toLength: width, withPad: " ", startingAt: 0) }
        return [
            "\(title), \(fastpath.count) alternating rounds",
            "  \(label(fastpathLabel)) \(list(fastpath)) Mpps (median \(String(format: "%.2f", Median.of(fastpath))))",
            "  \(label(testpmdLabel)) \(list(testpmd)) Mpps (median \(String(format: "%.2f", Median.of(testpmd))))",
            "  per round: \(list(ratios, "%.3f"))",
            clean.count == ratios.count
                ? "  both trials of every round ran in the same mode"
                : "  left out (one trial in the machine's slow mode, below \(Int(Self.slow * 100)) % of its best, the other not): \(clean.isEmpty ? "every round, so all count" : "rounds " + Set(0..<ratios.count).subtracting(clean).sorted().map { "\($0 + 1)" }.joined(separator: ", "))",
            String(format: "  ratio: %.3f", ratio),
        ]
    }
}
