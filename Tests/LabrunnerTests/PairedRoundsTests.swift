import Testing

@testable import LabrunnerKit

/// The benchmarks' round-by-round comparison: a round whose two trials ran in different modes of the
/// machine (one held to a third of its rate, the other not) is left out of the ratio, and named.
@Suite struct PairedRoundsTests {
    private func rounds(_ fastpath: [Double], _ testpmd: [Double]) -> PairedRounds {
        var r = PairedRounds(title: "t", fastpath: "a", testpmd: "b")
        r.fastpath = fastpath
        r.testpmd = testpmd
        return r
    }

    @Test func aRoundWithOneSlowTrialIsLeftOutAndOneWithTwoIsKept() {
        // Round 2's testpmd trial alone ran in the slow mode: counted, its ratio of 3.4 would be the
        // median. Round 4 ran slow on both sides and still compares the programs.
        let r = rounds([19.0, 19.2, 20.0, 5.6], [20.0, 5.6, 19.5, 5.8])
        #expect(r.cleanRounds == [0, 2, 3])
        #expect(abs(r.ratio - 5.6 / 5.8) < 1e-9)  // the median of 0.95, 1.026 and 0.966
        #expect(
            r.summary.joined(separator: "\n").contains("  left out (one trial in the machine's slow mode, below 60 % of its best, the other not): rounds 2"))
    }

    @Test func whenEveryRoundIsMixedAllCount() {
        let r = rounds([5.6, 20.0], [20.0, 5.0])
        #expect(r.cleanRounds.isEmpty)
        #expect(abs(r.ratio - (5.6 / 20.0 + 4.0) / 2) < 1e-9)
        #expect(r.summary.joined(separator: "\n").contains("every round, so all count"))
    }

    @Test func evenRunsKeepEveryRound() {
        let r = rounds([19.0, 21.0, 20.0], [20.0, 20.0, 20.0])
        #expect(r.cleanRounds == [0, 1, 2])
        #expect(r.ratio == 1.0)
        #expect(r.summary.joined(separator: "\n").contains("both trials of every round ran in the same mode"))
    }
}
