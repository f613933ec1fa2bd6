import Foundation

/// `labrunner ethtool …`: ethtool's flow-steering options (-K ntuple, -N, -n, -S) on the virtual lab's
/// emulated NIC, with ethtool's output, so a how-to's `ethtool` lines run unchanged there.
public enum EthtoolMain {
    /// RX rings `-n` reports (the PF's kernel interface has one queue; a rule's queue is kept and
    /// counted in `-S`, not a separate ring).
    static let rings = 64

    /// Runs one ethtool command line (no program name); output goes to standard output, an error to
    /// standard error. Returns the exit status.
    public static func run(arguments: [String]) -> Int32 {
        do {
            let text = try execute(try EthtoolRequest(arguments: arguments))
            FileHandle.standardOutput.write(Data(text.utf8))
            return 0
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            return 1
        }
    }

    /// Carries out a request on the NIC of its device; returns what ethtool prints.
    public static func execute(_ request: EthtoolRequest) throws(FastPathError) -> String {
        let nic = try EmulatedNIC.open(pf: request.device)
        var table = try nic.table()
        switch request {
        case .ntuple(_, let on):
            // ixgbe drops its Flow Director rules when n-tuple filtering goes off.
            if !on { for loc in 0..<SteeringTable.slotCount { table.setSlot(loc, nil) } }
            table.ntuple = on
            try nic.write(table)
            return ""
        case .add(_, let rule):
            guard table.ntuple else { throw .invalid("rmgr: Cannot insert RX class rule: Operation not supported") }
            let slot = try rule.slot(in: table)
            let location: Int
            if let loc = rule.location {
                guard loc < SteeringTable.slotCount else {
                    throw .invalid("rmgr: Invalid RX class rule location \(loc): the emulated NIC has \(SteeringTable.slotCount)")
                }
                location = loc
            } else {
                guard let free = (0..<SteeringTable.slotCount).reversed().first(where: { table.slot($0) == nil }) else {
                    throw .invalid("rmgr: Cannot find appropriate slot to insert rule")
                }
                location = free
            }
            table.setSlot(location, slot)
            try nic.write(table)
            return rule.location == nil ? "Added rule with ID \(location)\n" : ""
        case .delete(_, let loc):
            guard loc < SteeringTable.slotCount, table.slot(loc) != nil else { throw .invalid("rmgr: Cannot delete RX class rule: No such file or directory") }
            table.setSlot(loc, nil)
            try nic.write(table)
            return ""
        case .show(_, let location):
            let rules = (0..<SteeringTable.slotCount).compactMap { loc in table.slot(loc).map { (loc, $0) } }
            if let location {
                guard let rule = rules.first(where: { $0.0 == location }) else { throw .invalid("Cannot get RX class rule: No such file or directory") }
                return EthtoolFormat.rule(rule.1, location: rule.0, model: table.model)
            }
            return "\(rings) RX rings available\nTotal \(rules.count) rules\n\n"
                + rules.map { EthtoolFormat.rule($0.1, location: $0.0, model: table.model) }.joined()
        case .statistics:
            return EthtoolFormat.statistics(table)
        }
    }
}
