/// `net_ring`: an in-process port whose transmit feeds a ring that another ring port (its peer) or the
/// port itself (no peer) receives from. Pairs of ring ports connect two forwarders' ports, or two
/// streams, inside one process.
public final class RingPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_ring"
    public let devargs: String
    public var macAddress = EtherAddress.random()
    public let mtu = 1500
    /// The ring this port receives from.
    public let inbound: PacketRing
    /// The ring this port transmits into (its own inbound when it has no peer).
    public private(set) var outbound: PacketRing
    private var started = false

    /// Creates a port with its own inbound ring.
    public init(deviceName: String, devargs: String, capacity: Int = 1024) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        inbound = try PacketRing(capacity: capacity)
        outbound = inbound
    }

    /// Crosses two ports: each transmits into the other's inbound ring.
    public func connect(to peer: RingPort) {
        outbound = peer.inbound
        peer.outbound = inbound
    }

    public var linkUp: Bool { started }
    public var readinessDescriptor: Int32 { inbound.eventDescriptor }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }
    public func prepareToSleep() -> Bool { inbound.prepareToSleep() }
    public func awake() { inbound.awake() }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        started ? inbound.dequeue(burst, max: max) : 0
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        started ? outbound.enqueue(burst, count: count) : 0
    }
}
