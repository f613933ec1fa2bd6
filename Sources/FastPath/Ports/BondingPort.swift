import Synchronization

/// `net_bonding` in mode 1 (active-backup): one slave carries all traffic; when it is removed,
/// stopped, detached or loses link, the next slave with link takes over (the primary whenever it
/// can). Each slave sits in a fixed slot as a `PortHandle` (unretained: the port table owns it); the hot loop
/// reads the active slot per burst. A change moves the active slot first, and a slot is emptied only
/// after a grace period, so no lcore is ever inside a port that goes away and no burst is refused.
public final class BondingPort: Port, @unchecked Sendable {
    /// Slaves at most.
    public static let maxSlaves = 8

    public let deviceName: String
    public let driverName = "net_bonding"
    public let devargs = ""
    public var macAddress: EtherAddress
    public let mtu = 1500
    public let readinessDescriptor: Int32 = -1
    /// The bonding mode (1).
    public let mode: Int
    /// Slave port ids, in the order added.
    public private(set) var slaves: [Int] = []
    /// The primary slave's port id.
    public private(set) var primary: Int?
    private let slots: UnsafeMutablePointer<PortHandle?>
    private var slotOf: [Int: Int] = [:]
    private let active = Atomic<Int>(-1)
    private var started = false
    /// What each slot's slave received and sent through the bond (written by the lcore forwarding the
    /// bond), and what slaves no longer in a slot did: a slave's own statistics, as DPDK reports them.
    private let slotCounters: UnsafeMutablePointer<PortCounters>
    private var releasedCounters: [Int: PortCounters] = [:]

    /// Creates a bonded device in `mode` (only 1 is implemented).
    public init(deviceName: String, mode: Int) throws(FastPathError) {
        guard mode == 1 else {
            throw .invalid("bonding mode \(mode) is not supported: FastPath implements mode 1 (active-backup)")
        }
        self.deviceName = deviceName
        self.mode = mode
        macAddress = .random()
        slots = .allocate(capacity: Self.maxSlaves)
        slots.initialize(repeating: nil, count: Self.maxSlaves)
        slotCounters = .allocate(capacity: Self.maxSlaves)
        slotCounters.initialize(repeating: PortCounters(), count: Self.maxSlaves)
    }

    deinit {
        slots.deallocate()
        slotCounters.deallocate()
    }

    /// The traffic slave `id` carried for this bond.
    public func counters(ofSlave id: Int) -> PortCounters {
        let live = slotOf[id].map { slotCounters[$0] } ?? PortCounters()
        return live + (releasedCounters[id] ?? PortCounters())
    }

    /// The active slave's port id.
    public var activeSlave: Int? {
        let a = active.load(ordering: .acquiring)
        return slotOf.first { $0.value == a }?.key
    }

    /// Slaves that could carry traffic now: started, with link.
    public func usableSlaves(_ ports: PortTable) -> [Int] {
        slaves.filter { id in ports.entry(id).map { $0.started && $0.port.linkUp } ?? false }
    }

    /// Adds a slave; the first one added becomes primary, and its address the bond's.
    public func add(slave id: Int, port: any Port) throws(FastPathError) {
        guard !slaves.contains(id) else { throw .invalid("port \(id) is already a slave of \(deviceName)") }
        guard let slot = (0..<Self.maxSlaves).first(where: { slots[$0] == nil && !slotOf.values.contains($0) }) else {
            throw .invalid("\(deviceName) has \(Self.maxSlaves) slaves already")
        }
        slots[slot] = PortHandle(port)
        slotOf[id] = slot
        slaves.append(id)
        if primary == nil {
            primary = id
            macAddress = port.macAddress
        }
    }

    /// Takes a slave out of the list (the active slot moves with the next `elect`); its slot is
    /// emptied by `release` after the grace period.
    public func remove(slave id: Int) throws(FastPathError) {
        guard let i = slaves.firstIndex(of: id) else { throw .invalid("port \(id) is not a slave of \(deviceName)") }
        slaves.remove(at: i)
        if primary == id { primary = slaves.first }
    }

    /// Empties the slots of ports no longer slaves (call after `elect` and a grace period).
    public func release() {
        for (id, slot) in slotOf where !slaves.contains(id) {
            releasedCounters[id] = (releasedCounters[id] ?? PortCounters()) + slotCounters[slot]
            slotCounters[slot] = PortCounters()
            slots[slot] = nil
            slotOf[id] = nil
        }
    }

    /// Sets the primary slave.
    public func setPrimary(_ id: Int) throws(FastPathError) {
        guard slaves.contains(id) else { throw .invalid("port \(id) is not a slave of \(deviceName)") }
        primary = id
    }

    /// Chooses the active slave: the primary if usable, else the current one if still usable, else
    /// the first usable slave, else none. Returns the new active slave's id.
    @discardableResult
    public func elect(_ ports: PortTable, excluding: Int? = nil) -> Int? {
        let usable = usableSlaves(ports).filter { $0 != excluding }
        let current = activeSlave
        let chosen =
            primary.flatMap { usable.contains($0) ? $0 : nil }
            ?? current.flatMap { usable.contains($0) ? $0 : nil }
            ?? usable.first
        let slot = chosen.flatMap { slotOf[$0] } ?? -1
        if slot != active.load(ordering: .relaxed) { active.store(slot, ordering: .releasing) }
        return chosen
    }

    public var linkUp: Bool { started && activeSlave != nil }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        let a = active.load(ordering: .acquiring)
        guard started, a >= 0, let slave = slots[a] else { return 0 }
        let n = slave.receive(burst, max: max, cache: &cache)
        var bytes = 0
        for i in 0..<n { bytes &+= burst[i].length }
        slotCounters[a].rxPackets &+= UInt64(n)
        slotCounters[a].rxBytes &+= UInt64(bytes)
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        let a = active.load(ordering: .acquiring)
        guard started, a >= 0, let slave = slots[a] else { return 0 }
        var bytes = 0
        for i in 0..<count { bytes &+= burst[i].length }
        let sent = slave.transmit(burst, count: count, cache: &cache)
        if sent < count { for i in sent..<count { bytes &-= burst[i].length } }
        slotCounters[a].txPackets &+= UInt64(sent)
        slotCounters[a].txBytes &+= UInt64(bytes)
        return sent
    }
}
