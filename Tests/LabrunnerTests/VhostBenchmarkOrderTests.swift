import Testing

@testable import LabrunnerKit

/// The vhost bench counterbalances its set-ups: neither side of a comparison always runs first.
@Suite struct VhostBenchmarkOrderTests {
    @Test func evenRoundsRunTheSetUpsAsListedAndOddRoundsReversed() {
        #expect(VhostBenchmark.order(round: 0, setups: 4) == [0, 1, 2, 3])
        #expect(VhostBenchmark.order(round: 1, setups: 4) == [3, 2, 1, 0])
        #expect(VhostBenchmark.order(round: 6, setups: 4) == [0, 1, 2, 3])
    }

    @Test func overAPairOfRoundsEachSetUpRunsOnceInEachHalf() {
        // What makes the comparison fair: in two rounds every set-up is once early and once late.
        let pair = VhostBenchmark.order(round: 2, setups: 4) + VhostBenchmark.order(round: 3, setups: 4)
        for setup in 0..<4 {
            let positions = pair.indices.filter { pair[$0] == setup }.map { $0 % 4 }
            #expect(positions.reduce(0, +) == 3, "set-up \(setup) ran at \(positions)")
        }
    }
}
