/// The NIC an emulated PF behaves as: how its driver reads an ethtool rule's action and user-def
/// (the guide's sections 3.1 and 3.2), and the names of its statistics.
public enum NICModel: String, Sendable, CaseIterable {
    /// Intel 82599 (ixgbe): Flow Director. The action's bits 39:32 hold VF number + 1 (0: the PF), the
    /// low 32 bits the queue; -1 drops.
    case niantic
    /// Intel X710/XL710 (i40e): the L3 VEB filter and cloud filters. user-def's upper 32 bits are
    /// 0xffffffff for an L3 VEB (or a non-tunnel) filter, else the VNI; its lower 32 bits name the VF
    /// (a number of VFs or more: the PF). The action is the queue.
    case fortville

    /// Where a rule's frames go.
    public enum Destination: Sendable, Equatable {
        /// A queue of the PF: the kernel's.
        case pf(queue: UInt32)
        /// A queue of a VF: the DPDK application's.
        case vf(Int, queue: UInt32)
        /// Dropped.
        case drop
    }

    /// The code kept in the table.
    var code: UInt32 { self == .niantic ? 1 : 2 }

    init?(code: UInt32) {
        switch code {
        case 1: self = .niantic
        case 2: self = .fortville
        default: return nil
        }
    }

    /// The destination of a rule with this action (ring cookie) and user-def, on a PF with `vfs` VFs;
    /// an error in the driver's words for a VF it does not have.
    public func destination(ringCookie: UInt64, userDef: UInt64?, vfs: Int) throws(FastPathError) -> Destination {
        if ringCookie == UInt64.max { return .drop }
        switch self {
        case .niantic:
            let vf = Int((ringCookie >> 32) & 0xFF)
            let queue = UInt32(truncatingIfNeeded: ringCookie)
            if vf == 0 { return .pf(queue: queue) }
            guard vf <= vfs else { throw .invalid("rmgr: Cannot insert RX class rule: Invalid argument (VF \(vf - 1): the PF has \(vfs) VFs)") }
            return .vf(vf - 1, queue: queue)
        case .fortville:
            // Without user-def a flow director rule is the PF's.
            let queue = UInt32(truncatingIfNeeded: ringCookie)
            guard let userDef else { return .pf(queue: queue) }
            let vf = Int(UInt32(truncatingIfNeeded: userDef))
            return vf >= vfs ? .pf(queue: queue) : .vf(vf, queue: queue)
        }
    }

    /// The VNI a fortville rule's user-def carries, or nil for an L3 VEB or non-tunnel filter.
    public func vni(userDef: UInt64?) -> UInt32? {
        guard self == .fortville, let userDef, userDef >> 32 != 0xFFFF_FFFF else { return nil }
        return UInt32(truncatingIfNeeded: userDef >> 32)
    }
}
