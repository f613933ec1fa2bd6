/// One rule as the steering program holds it: what it matches, where matching frames go (an
/// interface index to redirect to, or dropped), its hit counter, and what `ethtool -n` shows of it.
public struct SteeringSlot: Sendable, Equatable {
    /// The compared words.
    public var match: FlowMatch
    /// The interface the frames are redirected to (a VF's or the PF's wire end).
    public var target: Int32
    /// Whether matching frames are dropped instead.
    public var drop: Bool
    /// Frames matched.
    public var hits: UInt64 = 0
    /// The rule's action as ethtool gave it (its ring cookie: VF and queue).
    public var ringCookie: UInt64
    /// ethtool's user-def word.
    public var userDef: UInt64
    /// The flow type (`EthtoolFlowType`'s code).
    public var flowType: UInt32
    /// The queue the rule names.
    public var queue: UInt32
    /// Its location (`loc`).
    public var location: UInt32

    /// Creates a slot.
    public init(
        match: FlowMatch, target: Int32, drop: Bool, hits: UInt64 = 0, ringCookie: UInt64, userDef: UInt64, flowType: UInt32, queue: UInt32, location: UInt32
    ) {
        self.match = match
        self.target = target
        self.drop = drop
        self.hits = hits
        self.ringCookie = ringCookie
        self.userDef = userDef
        self.flowType = flowType
        self.queue = queue
        self.location = location
    }
}
