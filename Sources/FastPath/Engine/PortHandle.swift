/// How the hot loop calls a port's queue: the object as an unretained pointer and its concrete type,
/// so a burst costs a switch and a direct call — no reference counting, no witness table. (A call
/// through an `any Port` read from memory retains and releases the port around every burst.) Port
/// types it does not know are called through the existential. Only vhost-user and virtio_user ports
/// have more than queue 0.
struct PortHandle {
    enum Kind {
        case null, ring, afPacket, afXDP, tap, pcap, vhost, virtioUser, bonding, other
    }

    let raw: UnsafeMutableRawPointer
    let kind: Kind
    let queue: Int
    unowned(unsafe) let port: any Port

    init(_ port: any Port, queue: Int = 0) {
        self.port = port
        self.queue = queue
        raw = Unmanaged.passUnretained(port as AnyObject).toOpaque()
        switch port {
        case is NullPort: kind = .null
        case is RingPort: kind = .ring
        case is AFPacketPort: kind = .afPacket
        case is AFXDPPort: kind = .afXDP
        case is TapPort: kind = .tap
        case is PcapPort: kind = .pcap
        case is VhostUserPort: kind = .vhost
        case is VirtioUserPort: kind = .virtioUser
        case is BondingPort: kind = .bonding
        default: kind = .other
        }
    }

    @inline(__always)
    private func with<T: AnyObject, R>(_: T.Type, _ body: (T) -> R) -> R {
        Unmanaged<T>.fromOpaque(raw)._withUnsafeGuaranteedRef(body)
    }

    @inline(__always)
    func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        switch kind {
        case .null: return with(NullPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .ring: return with(RingPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .afPacket: return with(AFPacketPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .afXDP: return with(AFXDPPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .tap: return with(TapPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .pcap: return with(PcapPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .vhost: return with(VhostUserPort.self) { $0.receive(queue: queue, burst, max: max, cache: &cache) }
        case .virtioUser: return with(VirtioUserPort.self) { $0.receive(queue: queue, burst, max: max, cache: &cache) }
        case .bonding: return with(BondingPort.self) { $0.receive(burst, max: max, cache: &cache) }
        case .other: return port.receive(burst, max: max, cache: &cache)
        }
    }

    @inline(__always)
    func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        switch kind {
        case .null: return with(NullPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .ring: return with(RingPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .afPacket: return with(AFPacketPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .afXDP: return with(AFXDPPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .tap: return with(TapPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .pcap: return with(PcapPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .vhost: return with(VhostUserPort.self) { $0.transmit(queue: queue, burst, count: count, cache: &cache) }
        case .virtioUser: return with(VirtioUserPort.self) { $0.transmit(queue: queue, burst, count: count, cache: &cache) }
        case .bonding: return with(BondingPort.self) { $0.transmit(burst, count: count, cache: &cache) }
        case .other: return port.transmit(burst, count: count, cache: &cache)
        }
    }

    /// What the lcore sleeps on for this queue.
    var readinessDescriptor: Int32 {
        switch kind {
        case .vhost: return with(VhostUserPort.self) { $0.readinessDescriptor(queue: queue) }
        case .virtioUser: return with(VirtioUserPort.self) { $0.readinessDescriptor(queue: queue) }
        default: return port.readinessDescriptor
        }
    }

    /// The lcore is about to sleep: false when packets arrived meanwhile.
    func prepareToSleep() -> Bool {
        switch kind {
        case .vhost: return with(VhostUserPort.self) { $0.prepareToSleep(queue: queue) }
        case .virtioUser: return with(VirtioUserPort.self) { $0.prepareToSleep(queue: queue) }
        default: return port.prepareToSleep()
        }
    }

    /// The lcore woke up.
    func awake() {
        switch kind {
        case .vhost: with(VhostUserPort.self) { $0.awake(queue: queue) }
        case .virtioUser: with(VirtioUserPort.self) { $0.awake(queue: queue) }
        default: port.awake()
        }
    }
}
