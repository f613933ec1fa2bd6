/// ethtool's output for the emulated NIC: `-n`'s rule listing (masks in ethtool's sense: 1 bits are
/// ignored) and `-S`'s statistics under the model's names, plus each rule's hits.
enum EthtoolFormat {
    private static func ip(_ bytes: [UInt8]) -> String { bytes.map(String.init).joined(separator: ".") }
    private static func mac(_ bytes: [UInt8]) -> String { bytes.map { hex2($0) }.joined(separator: ":") }
    private static func hex2(_ b: UInt8) -> String { (b < 16 ? "0" : "") + String(b, radix: 16, uppercase: true) }
    private static func number(_ bytes: [UInt8]) -> UInt64 { bytes.reduce(0) { $0 << 8 | UInt64($1) } }

    /// One `Filter:` block of `ethtool -n`.
    static func rule(_ slot: SteeringSlot, model: NICModel) -> String {
        let type = EthtoolFlowType(code: slot.flowType) ?? .ip4
        let m = slot.match
        func field(_ word: Int, _ shift: UInt64, _ count: Int) -> (value: [UInt8], ignore: [UInt8]) {
            let f = m.field(word: word, shift: shift, count: count)
            return (f.value, f.care.map { ~$0 })
        }
        var out = "Filter: \(slot.location)\n\tRule Type: \(type.ruleType)\n"
        let tunnel = m.mask[0] & FlowMatch.Flag.vxlan.rawValue != 0
        switch type {
        case .udp4, .tcp4, .ip4:
            let source = field(1, 0, 4)
            let destination = tunnel ? field(5, 0, 4) : field(1, 32, 4)
            out += "\tSrc IP addr: \(ip(source.value)) mask: \(ip(source.ignore))\n"
            out += "\tDest IP addr: \(ip(destination.value)) mask: \(ip(destination.ignore))\n"
            out += "\tTOS: 0x0 mask: 0xff\n"
            if type == .ip4 {
                out += "\tProtocol: 0 mask: 0xff\n\tL4 bytes: 0x0 mask: 0xffffffff\n"
            } else {
                let sp = field(2, 0, 2), dp = field(2, 16, 2)
                out += "\tSrc port: \(number(sp.value)) mask: 0x\(String(number(sp.ignore), radix: 16))\n"
                out += "\tDest port: \(number(dp.value)) mask: 0x\(String(number(dp.ignore), radix: 16))\n"
            }
        case .ether:
            let inner = field(4, 0, 6), outer = field(3, 0, 6)
            out += "\tSrc MAC addr: \(mac(inner.value)) mask: \(mac(inner.ignore))\n"
            out += "\tDest MAC addr: \(mac(outer.value)) mask: \(mac(outer.ignore))\n"
            out += "\tEthertype: 0x0 mask: 0xFFFF\n"
        }
        let vlan = field(5, 32, 2)
        let vlanCare = m.mask[0] & FlowMatch.Flag.innerVLAN.rawValue != 0
        if vlanCare || slot.userDef != 0 {
            let id = vlanCare ? number(vlan.value) : 0
            out += "\tVLAN EtherType: 0x0 mask: 0xffff\n"
            out += "\tVLAN: 0x\(String(id, radix: 16)) mask: 0x\(vlanCare ? "f000" : "ffff")\n"
            out += "\tUser-defined: 0x\(String(slot.userDef, radix: 16)) mask: 0x0\n"
        }
        if slot.drop {
            out += "\tAction: Drop\n"
        } else {
            let vf = (slot.ringCookie >> 32) & 0xFF
            let queue = slot.ringCookie & 0xFFFF_FFFF
            out += vf > 0 && model == .niantic ? "\tAction: Direct to VF \(vf - 1) queue \(queue)\n" : "\tAction: Direct to queue \(queue)\n"
        }
        return out + "\n"
    }

    /// `ethtool -S`: flow director matches and misses, the PF's queues (a queue counts the frames of
    /// the rules that name it; queue 0 also the unmatched), and each rule's hits.
    static func statistics(_ table: SteeringTable) -> String {
        let rules = table.rules
        let matched = rules.reduce(UInt64(0)) { $0 + $1.hits }
        var queues: [UInt32: UInt64] = [0: table.misses]
        for slot in rules where !slot.drop && slot.target == table.pfTarget { queues[slot.queue, default: 0] += slot.hits }
        let fortville = table.model == .fortville
        var out = "NIC statistics:\n"
        out += "     \(fortville ? "fdir_sb_match" : "fdir_match"): \(matched)\n"
        out += "     fdir_miss: \(table.misses)\n"
        for (queue, packets) in queues.sorted(by: { $0.key < $1.key }) {
            out += fortville ? "     rx-\(queue).packets: \(packets)\n" : "     rx_queue_\(queue)_packets: \(packets)\n"
        }
        for slot in rules { out += "     rule_\(slot.location)_hits: \(slot.hits)\n" }
        return out
    }
}
