/// An expectation that did not hold: which, where it is written, what was expected and what was found.
package struct ExpectationFailure: Sendable, Codable, Equatable {
    /// The expectation as written (`contains "testpmd>"`, `delta stats.1.rx_packets since before > 0`).
    package var expectation: String
    /// `file:line:col` of the expectation.
    package var location: String
    /// What should have been.
    package var expected: String
    /// What was.
    package var actual: String

    /// One line for people and JUnit.
    package var message: String { "\(expectation) (\(location)): expected \(expected), actual \(actual)" }
}
