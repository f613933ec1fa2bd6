extension EthtoolRule {
    /// The rule as a slot of `table`'s NIC: its fields as compared words, its action as the interface
    /// its frames go to, read the way the NIC's driver reads them. A field the model cannot filter on
    /// is an error in ethtool's words.
    public func slot(in table: SteeringTable) throws(FastPathError) -> SteeringSlot {
        let model = table.model
        let unsupported = FastPathError.invalid("rmgr: Cannot insert RX class rule: Operation not supported")
        let destination = try model.destination(ringCookie: ringCookie, userDef: userDef, vfs: table.vfTargets.count)
        let vni = model.vni(userDef: userDef)
        var m = FlowMatch()
        switch flowType {
        case .udp4, .tcp4:
            guard vni == nil, vlan == nil, model == .niantic || userDef == nil || userDef! >> 32 == 0xFFFF_FFFF else { throw unsupported }
            m.require(.ipv4)
            m.require(flowType == .udp4 ? .udp : .tcp)
            if let f = sourceIP { m.ipv4(source: true, f.value, care: ~f.ignore) }
            if let f = destinationIP { m.ipv4(source: false, f.value, care: ~f.ignore) }
            if let f = sourcePort { m.port(source: true, f.value, care: ~f.ignore) }
            if let f = destinationPort { m.port(source: false, f.value, care: ~f.ignore) }
        case .ip4:
            guard vlan == nil else { throw unsupported }
            if let vni {
                // A cloud filter on the tenant's (inner) destination address.
                guard sourceIP == nil, let f = destinationIP else { throw unsupported }
                m.vni(vni)
                m.innerIPv4Destination(f.value, care: ~f.ignore)
            } else {
                m.require(.ipv4)
                if let f = sourceIP { m.ipv4(source: true, f.value, care: ~f.ignore) }
                if let f = destinationIP { m.ipv4(source: false, f.value, care: ~f.ignore) }
            }
        case .ether:
            // i40e's cloud filters: dst is the outer MAC, src the inner (tenant's) destination MAC, vlan the
            // inner VLAN, user-def's upper half the VNI. ixgbe's Flow Director has no such filter.
            guard model == .fortville else { throw unsupported }
            m.require(.vxlan)
            if let vni { m.vni(vni) }
            if let f = destinationMAC { m.destinationMAC(inner: false, f.value, care: f.ignore.inverted) }
            if let f = sourceMAC { m.destinationMAC(inner: true, f.value, care: f.ignore.inverted) }
            if let f = vlan {
                guard ~f.ignore & 0xFFF == 0xFFF else { throw .invalid("ethtool -N: the emulated NIC matches a whole VLAN ID") }
                m.innerVLAN(f.value)
            }
        }
        let target: Int32, queue: UInt32
        switch destination {
        case .drop: (target, queue) = (0, 0)
        case .pf(let q): (target, queue) = (table.pfTarget, q)
        case .vf(let vf, let q): (target, queue) = (table.vfTargets[vf], q)
        }
        return SteeringSlot(
            match: m, target: target, drop: destination == .drop, ringCookie: ringCookie, userDef: userDef ?? 0,
            flowType: flowType.code, queue: queue, location: UInt32(location ?? 0))
    }
}

extension EtherAddress {
    /// Every bit flipped (an ignore mask as a care mask).
    var inverted: EtherAddress {
        let b = octets.map { ~$0 }
        return EtherAddress(b[0], b[1], b[2], b[3], b[4], b[5])
    }
}
