/// An expectation that did not hold: which, where it is written, what was expected and what was found.
struct ExpectationFailure: Sendable, Codable, Equatable {
    /// The expectation as written (`contains "testpmd>"`, `delta stats.1.rx_packets since before > 0`).
    var expectation: String
    /// `file:line:col` of the expectation.
    var location: String
    /// What should have been.
    var expected: String
    /// What was.
    var actual: String

    /// One line for people and JUnit.
    var message: String { "\(expectation) (\(location)): expected \(expected), actual \(actual)" }
}
