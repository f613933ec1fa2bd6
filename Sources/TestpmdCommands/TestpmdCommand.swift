/// One testpmd runtime command as a word pattern — `<n>` a number, `<word>` any single word — with an
/// example line and whether FastPath implements it. The one list of forwarder commands: the scenario
/// checker validates `fastpath:` steps against it, and FastPath's `help` prints it.
public struct TestpmdCommand: Sendable, Hashable {
    /// The word pattern.
    public let pattern: String
    /// A line of this form, as the guide or testpmd's documentation writes it.
    public let example: String
    /// FastPath carries it out (else only dpdk-testpmd does).
    public let fastPath: Bool

    init(_ pattern: String, _ example: String, fastPath: Bool = true) {
        self.pattern = pattern
        self.example = example
        self.fastPath = fastPath
    }
}
