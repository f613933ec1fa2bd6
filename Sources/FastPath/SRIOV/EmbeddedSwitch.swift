/// The emulated NIC's embedded switch (VEB), as ixgbe's and i40e's do it in hardware: what the PF
/// programmed for each VF decides which frames a VF may send, where every frame goes, and which a VF
/// takes. Pure decisions on headers; the NIC (`SRIOVNIC`) moves the bytes and holds it under a lock.
struct EmbeddedSwitch: Sendable {
    /// Every VF's settings and counters.
    var vfs: [VFSettings]
    var counters: [PortCounters]
    /// The PF's address, and whether it takes unicast frames addressed elsewhere (testpmd turns
    /// promiscuous mode on).
    var pfAddress: EtherAddress
    var pfPromiscuous = true
    /// Frames between functions of the NIC (VF to VF, VF to PF) stay inside it (`set tx loopback`);
    /// off, they go out on the wire.
    var loopback = true
    /// The wire's link (`set link-up|link-down port`).
    var linkUp = true
    /// Recorded only (`set all queues drop`, `set tx strict-link-priority`).
    var allQueuesDrop = false
    var strictPriorityTCs: UInt8 = 0
    /// Each VF's transmit token bucket: bytes it may still send, and when it was last filled.
    private var credit: [Double]
    private var filled: [UInt64]

    init(vfMACs: [EtherAddress], pfAddress: EtherAddress) {
        vfs = vfMACs.map(VFSettings.init(mac:))
        counters = Array(repeating: PortCounters(), count: vfMACs.count)
        credit = Array(repeating: 0, count: vfMACs.count)
        filled = Array(repeating: 0, count: vfMACs.count)
        self.pfAddress = pfAddress
    }

    /// A VF's frame after the transmit checks: dropped, or passed with the VLAN to insert.
    enum Admission: Equatable {
        case dropped
        case passed(insertVLAN: UInt16?)
    }

    /// A frame VF `vf` sent, checked before it is switched (counted either way: a drop as a transmit
    /// error). `now` is in nanoseconds.
    mutating func transmit(vf: Int, header: FrameHeader, length: Int, now: UInt64) -> Admission {
        let s = vfs[vf]
        func drop() -> Admission {
            counters[vf].txDropped &+= 1
            return .dropped
        }
        guard s.txEnabled else { return drop() }
        if s.macAntiSpoof && !s.owns(header.source) { return drop() }
        if header.vlan != nil && !s.vlanTagging { return drop() }
        var insert: UInt16? = nil
        var vlan = header.vlan
        if s.insertVLAN != 0 && header.vlan == nil {
            insert = s.insertVLAN
            vlan = s.insertVLAN
        }
        if s.vlanAntiSpoof, let v = vlan, v != s.insertVLAN, !s.vlans.contains(v) { return drop() }
        if let rate = s.bytesPerSecond {
            // A bucket of 10 ms worth (at least one full frame), filled at the rate.
            let depth = max(rate / 100, 1518)
            if filled[vf] == 0 { credit[vf] = depth }
            credit[vf] = min(depth, credit[vf] + Double(now &- filled[vf]) * rate / 1e9)
            filled[vf] = now
            let bytes = Double(length + (insert == nil ? 0 : 4))
            guard credit[vf] >= bytes else { return drop() }
            credit[vf] -= bytes
        }
        counters[vf].txPackets &+= 1
        counters[vf].txBytes &+= UInt64(length + (insert == nil ? 0 : 4))
        return .passed(insertVLAN: insert)
    }

    /// Where a frame from `from` goes. A unicast frame for a VF's address goes to that VF alone; from
    /// the wire, anything else goes to the PF (its address, or anything while promiscuous) and to the
    /// VFs in unicast-promiscuous mode, and group frames to the PF and every VF (which then decide on
    /// their receive modes). A function's frames leave on the wire unless they are for another
    /// function and loopback is on; its group frames go on the wire and, with loopback, to the others.
    func destinations(from: SwitchPort, header: FrameHeader) -> [SwitchPort] {
        var out: [SwitchPort] = []
        let functions = [SwitchPort.pf] + vfs.indices.map { SwitchPort.vf($0) }
        if from == .uplink {
            guard linkUp else { return [] }
            if header.isUnicast {
                if let owner = vfs.firstIndex(where: { $0.owns(header.destination) }) { return [.vf(owner)] }
                if pfPromiscuous || header.destination == pfAddress { out.append(.pf) }
                for (i, s) in vfs.enumerated() where s.promiscuous { out.append(.vf(i)) }
                return out
            }
            return functions
        }
        if header.isUnicast {
            if loopback {
                if let owner = vfs.firstIndex(where: { $0.owns(header.destination) }), from != .vf(owner) { return [.vf(owner)] }
                if header.destination == pfAddress && from != .pf { return [.pf] }
            }
            return linkUp ? [.uplink] : []
        }
        if linkUp { out.append(.uplink) }
        if loopback { out += functions.filter { $0 != from } }
        return out
    }

    /// Whether VF `vf` takes a frame the switch sends it, and whether its tag is stripped; a frame it
    /// does not take is counted as missed.
    mutating func receive(vf: Int, header: FrameHeader, length: Int) -> (take: Bool, strip: Bool) {
        let s = vfs[vf]
        var take = s.rxEnabled
        if header.isBroadcast {
            take = take && s.acceptBroadcast
        } else if header.isMulticast {
            take = take && s.acceptMulticast
        } else if !s.owns(header.destination) {
            take = take && s.promiscuous
        }
        var strip = false
        if let v = header.vlan {
            let member = v == s.insertVLAN || s.vlans.contains(v) || (s.vlans.isEmpty && s.insertVLAN == 0)
            take = take && member && s.vlanTagging
            strip = s.stripVLAN || (s.insertVLAN != 0 && v == s.insertVLAN)
        } else {
            take = take && s.acceptUntagged
        }
        if take {
            counters[vf].rxPackets &+= 1
            counters[vf].rxBytes &+= UInt64(length - (strip ? 4 : 0))
        } else {
            counters[vf].rxMissed &+= 1
        }
        return (take, strip)
    }

    /// A VF driver's mailbox request (`VFMailbox`): addresses it receives besides its own.
    mutating func mailbox(vf: Int, _ operation: VFMailbox.Operation, mac: EtherAddress) {
        switch operation {
        case .addMAC:
            if mac.bytes.0 & 1 == 0 && !vfs[vf].owns(mac) { vfs[vf].extraMACs.append(mac) }
        case .removeMAC:
            vfs[vf].extraMACs.removeAll { $0 == mac }
        case .reset:
            vfs[vf].extraMACs.removeAll()
        }
    }
}
