/// The emulated NIC's XDP programs. `steering` runs on the uplink: it parses the frame into the
/// six words of `FlowMatch` (on the stack), then tries the table's slots in order; the first valid
/// slot whose masked words equal its values counts a hit and redirects the frame to its target (a VF's
/// interface) or drops it, and a frame no slot matches counts a miss and goes to the PF's interface,
/// the kernel's. `toUplink` runs on the wire ends of the PF and the VFs: what they send leaves
/// through the uplink.
public enum SteeringProgram {
    /// Stack offsets of the six words, and of the map key.
    static func word(_ k: Int) -> Int16 { Int16(-48 + 8 * k) }
    static let key: Int16 = -56

    /// The steering program over the table map `map`.
    public static func steering(map: Int32) throws(FastPathError) -> [UInt64] {
        typealias R = BPFAssembler.Register
        var a = BPFAssembler()
        let data = R.r2, end = R.r3, scratch = R.r4, flags = R.r8, ports = R.r9
        a.load(.word, data, .r1, 0)
        a.load(.word, end, .r1, 4)
        for k in 0..<6 { a.store(.double, .fp, word(k), imm: 0) }
        a.alu(.mov, flags, 0)
        a.alu(.mov, ports, 0)
        func need(_ bytes: Int32) {
            a.alu(.mov, scratch, data)
            a.alu(.add, scratch, bytes)
            a.jump(.greater, scratch, end, to: "parsed")
        }
        func loadMAC(at offset: Int16, into k: Int) {
            a.load(.word, .r5, data, offset)
            a.load(.half, .r0, data, offset + 4)
            a.alu(.lsh, .r0, 32)
            a.alu(.or, .r5, .r0)
            a.store(.double, .fp, word(k), .r5)
        }
        // Ethernet: the destination MAC and the EtherType.
        need(14)
        loadMAC(at: 0, into: 3)
        a.load(.half, .r5, data, 12)
        a.alu(.mov, .r0, .r5)
        a.alu(.lsh, .r0, 32)
        a.alu(.or, flags, .r0)
        a.jump(.notEqual, .r5, 0x0008, to: "parsed")  // 0x0800 as loaded
        // IPv4 without options: protocol and addresses.
        need(34)
        a.load(.byte, .r5, data, 14)
        a.jump(.notEqual, .r5, 0x45, to: "parsed")
        a.alu(.or, flags, Int32(FlowMatch.Flag.ipv4.rawValue))
        a.load(.byte, .r5, data, 23)
        a.alu(.mov, .r0, .r5)
        a.alu(.lsh, .r0, 16)
        a.alu(.or, flags, .r0)
        a.load(.word, .r0, data, 26)
        a.load(.word, .r1, data, 30)
        a.alu(.lsh, .r1, 32)
        a.alu(.or, .r0, .r1)
        a.store(.double, .fp, word(1), .r0)
        a.jump(.equal, .r5, 6, to: "tcp")
        a.jump(.notEqual, .r5, 17, to: "parsed")
        // UDP: ports, then VXLAN (destination port 4789) with its VNI and the inner frame.
        need(42)
        a.alu(.or, flags, Int32(FlowMatch.Flag.udp.rawValue))
        a.load(.word, ports, data, 34)
        a.load(.half, .r5, data, 36)
        a.jump(.notEqual, .r5, 0xB512, to: "parsed")  // 4789 as loaded
        need(50)
        a.load(.byte, .r5, data, 42)
        a.alu(.and, .r5, 0x08)
        a.jump(.equal, .r5, 0, to: "parsed")
        a.alu(.or, flags, Int32(FlowMatch.Flag.vxlan.rawValue))
        a.load(.word, .r5, data, 46)
        a.alu(.lsh, .r5, 32)
        a.alu(.or, ports, .r5)
        need(64)
        loadMAC(at: 50, into: 4)
        a.load(.half, .r5, data, 62)
        a.jump(.equal, .r5, 0x0081, to: "innerVLAN")  // 0x8100 as loaded
        a.jump(.notEqual, .r5, 0x0008, to: "parsed")
        need(84)
        a.load(.word, .r5, data, 80)
        a.store(.double, .fp, word(5), .r5)
        a.alu(.or, flags, Int32(FlowMatch.Flag.innerIPv4.rawValue))
        a.jump(to: "parsed")
        a.label("innerVLAN")
        need(68)
        a.alu(.or, flags, Int32(FlowMatch.Flag.innerVLAN.rawValue))
        a.load(.half, .r5, data, 64)
        a.alu(.and, .r5, 0xFF0F)
        a.alu(.lsh, .r5, 32)
        a.load(.half, .r0, data, 66)
        a.jump(.notEqual, .r0, 0x0008, to: "innerDone")
        need(88)
        a.load(.word, .r0, data, 84)
        a.alu(.or, .r5, .r0)
        a.alu(.or, flags, Int32(FlowMatch.Flag.innerIPv4.rawValue))
        a.label("innerDone")
        a.store(.double, .fp, word(5), .r5)
        a.jump(to: "parsed")
        a.label("tcp")
        need(38)
        a.alu(.or, flags, Int32(FlowMatch.Flag.tcp.rawValue))
        a.load(.word, ports, data, 34)
        a.label("parsed")
        a.store(.double, .fp, word(0), flags)
        a.store(.double, .fp, word(2), ports)
        // The table (one element, key 0).
        a.store(.word, .fp, key, imm: 0)
        a.loadMap(.r1, descriptor: map)
        a.alu(.mov, .r2, .fp)
        a.alu(.add, .r2, Int32(key))
        a.call(.mapLookupElement)
        a.jump(.notEqual, .r0, 0, to: "table")
        a.exit(.pass)
        a.label("table")
        a.alu(.mov, .r6, .r0)
        typealias S = SteeringTable.SlotField
        for slot in 0..<SteeringTable.slotCount {
            let base = Int16(slot * S.size)
            let next = "slot\(slot + 1)"
            a.load(.word, .r1, .r6, base + Int16(S.flags))
            a.alu(.and, .r1, Int32(SteeringTable.SlotFlag.valid))
            a.jump(.equal, .r1, 0, to: next)
            for k in 0..<6 {
                a.load(.double, .r1, .fp, word(k))
                a.load(.double, .r2, .r6, base + Int16(S.mask + 8 * k))
                a.alu(.and, .r1, .r2)
                a.load(.double, .r2, .r6, base + Int16(S.value + 8 * k))
                a.jump(.notEqual, .r1, .r2, to: next)
            }
            a.alu(.mov, .r1, 1)
            a.atomicAdd(.r6, base + Int16(S.hits), .r1)
            a.load(.word, .r1, .r6, base + Int16(S.flags))
            a.alu(.and, .r1, Int32(SteeringTable.SlotFlag.drop))
            a.jump(.notEqual, .r1, 0, to: "drop")
            a.load(.word, .r1, .r6, base + Int16(S.target))
            a.jump(to: "redirect")
            a.label(next)
        }
        a.alu(.mov, .r1, 1)
        a.atomicAdd(.r6, Int16(SteeringTable.TableField.misses), .r1)
        a.load(.word, .r1, .r6, Int16(SteeringTable.TableField.pfTarget))
        a.label("redirect")
        a.alu(.mov, .r2, 0)
        a.call(.redirect)
        a.exit()
        a.label("drop")
        a.exit(.drop)
        return try a.assembled()
    }

    /// The program on a wire end: everything goes out through interface `uplink`.
    public static func toUplink(_ uplink: Int32) throws(FastPathError) -> [UInt64] {
        var a = BPFAssembler()
        a.alu(.mov, .r1, uplink)
        a.alu(.mov, .r2, 0)
        a.call(.redirect)
        a.exit()
        return try a.assembled()
    }
}
