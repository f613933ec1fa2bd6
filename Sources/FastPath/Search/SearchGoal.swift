/// What a throughput search looks for: the highest rate whose trials lose at most `lossRatio` of
/// what they send (NDR: none; PDR: RFC 2544's partial drop rate, CSIT's 0.5 %).
public struct SearchGoal: Sendable, Equatable {
    /// ndr or pdr.
    public var name: String
    /// Largest acceptable share of lost packets, 0…1.
    public var lossRatio: Double

    /// PDR's acceptable loss unless given: CSIT's 0.5 %.
    public static let pdrLoss = 0.005

    /// Creates a goal.
    public init(name: String, lossRatio: Double) {
        self.name = name
        self.lossRatio = lossRatio
    }

    /// Whether a trial's loss meets it.
    public func accepts(_ trial: SearchTrial) -> Bool { trial.lossRatio <= lossRatio }
}
