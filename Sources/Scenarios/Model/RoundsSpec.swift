/// A scenario's `rounds:`: which top-level block is one round (a migration), and which roles and
/// sessions change places on every other round (the way back). `--rounds N` repeats the block N times.
public struct RoundsSpec: Sendable {
    /// The id of the block that is one round.
    public var block: Located<String>
    /// Pairs of roles or sessions that swap on even rounds, as written.
    public var swap: [(Located<String>, Located<String>)]
    /// What a round does.
    public var doc: String?

    /// Creates a spec.
    public init(block: Located<String>, swap: [(Located<String>, Located<String>)], doc: String?) {
        self.block = block
        self.swap = swap
        self.doc = doc
    }

    /// Both directions of every pair.
    public var exchange: [String: String] {
        var out: [String: String] = [:]
        for (a, b) in swap {
            out[a.value] = b.value
            out[b.value] = a.value
        }
        return out
    }
}
