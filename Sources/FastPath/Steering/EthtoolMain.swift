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
            if !on { table.rules = [] }
            table.ntuple = on
            try nic.write(table)
            return ""
        case .add(_, let rule):
            guard table.ntuple else { throw .invalid("rmgr: Cannot insert RX class rule: Operation not supported") }
            var slot = try rule.slot(in: table)
            if let loc = rule.location {
                guard loc < SteeringTable.slotCount else {
                    throw .invalid("rmgr: Invalid RX class rule location \(loc): the emulated NIC has \(SteeringTable.slotCount)")
                }
            } else {
                // As ethtool's rule manager does: the last free location.
                guard let free = (0..<SteeringTable.slotCount).reversed().first(where: { table.rule(at: $0) == nil }) else {
                    throw .invalid("rmgr: Cannot find appropriate slot to insert rule")
                }
                slot.location = UInt32(free)
            }
            let location = Int(slot.location)
            table.rules = table.rules.filter { $0.location != slot.location } + [slot]
            try nic.write(table)
            return rule.location == nil ? "Added rule with ID \(location)\n" : ""
        case .delete(_, let loc):
            guard table.rule(at: loc) != nil else { throw .invalid("rmgr: Cannot delete RX class rule: No such file or directory") }
            table.rules = table.rules.filter { Int($0.location) != loc }
            try nic.write(table)
            return ""
        case .show(_, let location):
            let rules = table.rules
            if let location {
                guard let rule = table.rule(at: location) else { throw .invalid("Cannot get RX class rule: No such file or directory") }
                return EthtoolFormat.rule(rule, model: table.model)
            }
            return "\(rings) RX rings available\nTotal \(rules.count) rules\n\n" + rules.map { EthtoolFormat.rule($0, model: table.model) }.joined()
        case .statistics:
            return EthtoolFormat.statistics(table)
        }
    }
}
