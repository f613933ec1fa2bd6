import CFastPath

/// `net_sriov`: the PF of an emulated SR-IOV NIC (`SRIOVNIC`) as a DPDK PF application sees it — on
/// the virtual lab it stands for the PCI PF the guide binds to igb_uio. Its frames are what the NIC's
/// switch sends the PF (its address, or anything while promiscuous, and group frames); what it
/// transmits enters the switch. The PF application's VFd commands program the NIC through it.
/// `uplink=IF` is the wire, `vfs=N` the VF count, `vfK=IF` VF K's interface, `model=ixgbe|i40e`.
public final class SRIOVPort: Port, @unchecked Sendable {
    public let deviceName: String
    public var driverName: String { nic.model.pfDriver }
    public let devargs: String
    public let mtu = 1500
    private let nic: SRIOVNIC
    private var started = false

    /// Creates the NIC: its PF takes the wire's address, VF K `vfMACs[K]` (else one made from the PF's).
    public init(
        deviceName: String, devargs: String, model: NICModel, uplink: String, vfInterfaces: [String], vfMACs: [Int: EtherAddress] = [:], pool: PacketPool
    ) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        nic = try SRIOVNIC(model: model, uplink: uplink, vfInterfaces: vfInterfaces, vfMACs: vfMACs, pool: pool)
    }

    public var macAddress: EtherAddress {
        get { nic.withSwitch { $0.pfAddress } }
        set { nic.withSwitch { $0.pfAddress = newValue } }
    }

    public var linkUp: Bool { started && nic.withSwitch { $0.linkUp } }
    public var readinessDescriptor: Int32 { nic.toPF.eventDescriptor }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }
    public func close() { nic.close() }
    public func prepareToSleep() -> Bool { nic.toPF.prepareToSleep() }
    public func awake() { nic.toPF.awake() }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        let n = nic.toPF.dequeue(burst, max: max)
        if !started && n > 0 {
            cache.give(n, from: burst)
            return 0
        }
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        started ? nic.fromPF.enqueue(burst, count: count) : 0
    }

    public var details: [String] { nic.withSwitch { $0.summary(model: nic.model, interfaces: nic.vfInterfaces, uplink: nic.uplink) } }

    /// Carries out a VFd command on the NIC; the output `show vf stats` prints (else nothing).
    public func execute(_ command: VFCommand, port: Int) throws(FastPathError) -> String {
        guard nic.model.supports(command) else {
            if case .showStats(_, let vf) = command { return "function not implemented\n" + TestpmdFormat.vfStats(port: port, vf: vf, PortCounters()) }
            throw .invalid("function not implemented")
        }
        return try nic.withSwitch { (s: inout EmbeddedSwitch) throws(FastPathError) -> String in
            try s.apply(command)
            if case .showStats(_, let vf) = command { return TestpmdFormat.vfStats(port: port, vf: vf, s.counters[vf]) }
            return ""
        }
    }
}
