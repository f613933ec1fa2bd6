/// Why a benchmark could not set up what it measures (a program that never reached its prompt, a
/// server that did not start, a scenario that did not compile).
struct BenchError: Error, CustomStringConvertible {
    /// What went wrong, said after "cannot set up the lab: ".
    let problem: String

    init(_ problem: String) { self.problem = problem }

    var description: String { "cannot set up the lab: \(problem)" }
}
