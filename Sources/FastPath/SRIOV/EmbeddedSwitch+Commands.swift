extension EmbeddedSwitch {
    /// Programs the switch as the PF driver does for `command` (already known to be this model's);
    /// errors are testpmd's for the driver's -EINVAL.
    mutating func apply(_ command: VFCommand) throws(FastPathError) {
        func vf(_ id: Int, _ message: @autoclosure () -> String = "") throws(FastPathError) -> Int {
            guard vfs.indices.contains(id) else {
                let text = message()
                throw .invalid(text.isEmpty ? "invalid vf_id \(id)" : text)
            }
            return id
        }
        switch command {
        case .macAddress(_, let id, let mac):
            let i = try vf(id, "invalid vf_id \(id) or mac_addr")
            guard mac.bytes.0 & 1 == 0, mac != EtherAddress(0, 0, 0, 0, 0, 0) else { throw .invalid("invalid vf_id \(id) or mac_addr") }
            vfs[i].mac = mac
        case .addMAC(_, let id, let mac):
            let i = try vf(id, "invalid vf_id \(id) or mac_addr")
            if !vfs[i].owns(mac) { vfs[i].extraMACs.append(mac) }
        case .macAntiSpoof(_, let id, let on): vfs[try vf(id, "invalid vf_id \(id) or is_on \(on ? 1 : 0)")].macAntiSpoof = on
        case .vlanAntiSpoof(_, let id, let on): vfs[try vf(id)].vlanAntiSpoof = on
        case .vlanInsert(_, let id, let vlan):
            guard vlan <= 4095 else { throw .invalid("invalid vf_id \(id) or vlan_id \(vlan)") }
            vfs[try vf(id, "invalid vf_id \(id) or vlan_id \(vlan)")].insertVLAN = vlan
        case .vlanStrip(_, let id, let on): vfs[try vf(id, "invalid vf_id \(id) or is_on \(on ? 1 : 0)")].stripVLAN = on
        case .vlanTag(_, let id, let on): vfs[try vf(id, "invalid vf_id \(id) or is_on \(on ? 1 : 0)")].vlanTagging = on
        case .vlanFilter(let add, let vlan, _, let mask):
            guard (1...4095).contains(vlan), mask != 0, mask >> vfs.count == 0 else { throw .invalid("invalid vlan_id \(vlan) or vf_mask \(mask)") }
            for i in vfs.indices where mask & (1 << UInt64(i)) != 0 {
                if add { vfs[i].vlans.insert(UInt16(vlan)) } else { vfs[i].vlans.remove(UInt16(vlan)) }
            }
        case .txLoopback(_, let on): loopback = on
        case .allQueuesDrop(_, let on): allQueuesDrop = on
        case .splitDrop(_, let id, let on): vfs[try vf(id)].splitDrop = on
        case .rate(_, let id, let mbps, let mask):
            guard mbps >= 0, mask != 0 else { throw .invalid("invalid vf_id \(id) or rate \(mbps) or queue_mask \(mask)") }
            vfs[try vf(id)].rateMbps = mbps
        case .traffic(let port, let id, let receive, let on):
            guard vfs.indices.contains(id) else { throw .invalid("rte_pmd_ixgbe_set_vf_\(receive ? "rx" : "tx") for port_id=\(port) failed diag=-22") }
            if receive { vfs[id].rxEnabled = on } else { vfs[id].txEnabled = on }
        case .mode(_, let id, let mode, let on):
            guard vfs.indices.contains(id) else {
                throw .invalid(mode.rawValue == mode.rawValue.uppercased() ? "bad VF receive mode parameter, return code = -22" : "invalid vf_id \(id)")
            }
            switch mode {
            case .aupe: vfs[id].acceptUntagged = on
            case .rope: vfs[id].acceptHashedUnicast = on
            case .bam, .broadcast: vfs[id].acceptBroadcast = on
            case .mpe, .allmulti: vfs[id].acceptMulticast = on
            case .promisc: vfs[id].promiscuous = on
            }
        case .maxBandwidth(_, let id, let mbps):
            guard mbps >= 0 else { throw .invalid("invalid vf_id \(id) or bandwidth \(mbps)") }
            vfs[try vf(id, "invalid vf_id \(id) or bandwidth \(mbps)")].maxBandwidthMbps = mbps
        case .tcMinBandwidth(_, let id, let shares):
            guard !shares.isEmpty, shares.count <= 8, shares.reduce(0, +) == 100, shares.allSatisfy({ $0 >= 0 }) else {
                throw .invalid("invalid vf_id \(id) or bandwidth")
            }
            vfs[try vf(id, "invalid vf_id \(id) or bandwidth")].tcMinBandwidth = shares
        case .tcMaxBandwidth(_, let id, let tc, let mbps):
            guard (0..<8).contains(tc), mbps >= 0 else { throw .invalid("invalid vf_id \(id), tc_no \(tc) or bandwidth \(mbps)") }
            vfs[try vf(id, "invalid vf_id \(id), tc_no \(tc) or bandwidth \(mbps)")].tcMaxBandwidthMbps[tc] = mbps
        case .strictPriority(_, let map):
            guard (0...0xFF).contains(map) else { throw .invalid("invalid tc_bitmap 0x\(String(map, radix: 16))") }
            strictPriorityTCs = UInt8(map)
        case .clearStats(_, let id): counters[try vf(id)] = PortCounters()
        case .showStats(_, let id): _ = try vf(id)
        case .link(_, let up): linkUp = up
        }
    }

    /// What `show port info` says of the NIC beyond a port's usual lines: the model, each VF and what
    /// was programmed, and which controls are recorded without an effect on frames.
    func summary(model: NICModel, interfaces: [String?], uplink: String) -> [String] {
        var lines = [
            "Emulated SR-IOV NIC: \(model == .niantic ? "82599 (ixgbe)" : "X710 (i40e)") PF on \(uplink), \(vfs.count) VFs, tx loopback \(loopback ? "on" : "off")"
        ]
        for (i, s) in vfs.enumerated() {
            var flags: [String] = []
            if s.macAntiSpoof { flags.append("mac-antispoof") }
            if s.vlanAntiSpoof { flags.append("vlan-antispoof") }
            if s.insertVLAN != 0 { flags.append("insert-vlan=\(s.insertVLAN)") }
            if s.stripVLAN { flags.append("strip") }
            if !s.vlans.isEmpty { flags.append("vlans=\(s.vlans.sorted().map(String.init).joined(separator: ","))") }
            if !s.rxEnabled { flags.append("rx-off") }
            if !s.txEnabled { flags.append("tx-off") }
            if s.promiscuous { flags.append("promisc") }
            if s.acceptMulticast { flags.append("allmulti") }
            if !s.acceptBroadcast { flags.append("no-broadcast") }
            if !s.acceptUntagged { flags.append("no-untagged") }
            if let rate = s.bytesPerSecond { flags.append("tx-cap=\(Int(rate * 8 / 1_000_000))Mbps") }
            lines.append("  VF \(i): \(s.mac) on \(interfaces[i] ?? "nothing yet")\(flags.isEmpty ? "" : " (\(flags.joined(separator: " ")))")")
        }
        let recorded =
            (allQueuesDrop ? ["all queues drop on"] : []) + (vfs.contains(where: \.splitDrop) ? ["split drop"] : [])
            + (vfs.contains(where: { !$0.tcMinBandwidth.isEmpty }) ? ["tc min-bandwidth"] : []) + (strictPriorityTCs != 0 ? ["strict-link-priority"] : [])
            + (vfs.contains(where: \.acceptHashedUnicast) ? ["ROPE"] : [])
        if !recorded.isEmpty {
            lines.append("  Recorded without effect (one queue per function, no traffic classes, no hash table): \(recorded.joined(separator: ", "))")
        }
        return lines
    }
}
