/// A FastPath port: a device lcores receive from and transmit to in bursts. Implementations are final
/// classes; the hot loop calls `receive` and `transmit` once per burst, never per packet.
public protocol Port: AnyObject, Sendable {
    /// Device name as given (`net_null0`, `net_af_packet0`…).
    var deviceName: String { get }
    /// Driver name (`net_null`, `net_af_packet`…).
    var driverName: String { get }
    /// The device arguments after the name.
    var devargs: String { get }
    /// The port's own MAC address.
    var macAddress: EtherAddress { get set }
    /// MTU.
    var mtu: Int { get }
    /// Whether the link is up now.
    var linkUp: Bool { get }
    /// A descriptor that becomes readable when packets wait (for adaptive polling), or -1 when the port
    /// always has packets or cannot tell.
    var readinessDescriptor: Int32 { get }
    /// Makes the port ready to forward.
    func start() throws(FastPathError)
    /// Stops the port; receive returns nothing and transmit takes nothing until it starts again.
    func stop()
    /// Releases the device (sockets, mappings, interfaces it created).
    func close()
    /// Receives up to `max` packets into `burst`; buffers come from `cache`.
    func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int
    /// Transmits the first `count` packets of `burst`. Returns how many it took (their buffers are the
    /// port's now); the caller still owns the rest.
    func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int
    /// Drops the device itself counted (ring overruns) since the last call.
    func takeMissed() -> UInt64
    /// Device-specific lines for `show port info`.
    var details: [String] { get }
    /// Receive/transmit queue pairs the device has (`queues=` of vhost-user devices).
    var queueCount: Int { get }
    /// The lcore is about to sleep on `readinessDescriptor`: false when packets arrived meanwhile.
    func prepareToSleep() -> Bool
    /// The lcore woke up.
    func awake()
}

extension Port {
    /// Most devices count no drops of their own.
    public func takeMissed() -> UInt64 { 0 }
    /// Most devices have nothing more to say.
    public var details: [String] { [] }
    /// Most devices have one queue pair.
    public var queueCount: Int { 1 }
    /// Most devices have nothing to release.
    public func close() {}
    /// A descriptor that is readable while packets wait needs no preparation.
    public func prepareToSleep() -> Bool { true }
    /// Nothing to acknowledge.
    public func awake() {}
}
