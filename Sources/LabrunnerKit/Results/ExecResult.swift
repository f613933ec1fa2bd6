/// What a non-interactive command produced.
struct ExecResult: Sendable {
    /// Standard output.
    var stdout: String
    /// Standard error.
    var stderr: String
    /// Exit status; 128+N when killed by signal N.
    var status: Int32
    /// Wall time.
    var duration: Duration
    /// Whether it was killed because its time ran out.
    var timedOut: Bool
}
