/// `net_null`: receive hands out empty frames of `size` bytes as fast as asked, transmit drops.
/// The baseline for measuring the forwarding engine itself (DPDK's null PMD does the same).
public final class NullPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_null"
    public let devargs: String
    public var macAddress = EtherAddress.random()
    public let mtu = 1500
    public let readinessDescriptor: Int32 = -1
    private let size: UInt32
    private var started = false

    /// Creates the port; `size` is the frame length it receives (devarg `size`, default 64).
    public init(deviceName: String, devargs: String, size: Int) {
        self.deviceName = deviceName
        self.devargs = devargs
        self.size = UInt32(size)
    }

    public var linkUp: Bool { started }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        let n = cache.take(max, into: burst)
        for i in 0..<n {
            burst[i].pointee.length = size
        }
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        cache.give(count, from: burst)
        return count
    }
}
