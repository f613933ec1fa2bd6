/// `net_pcap`: receives the frames of a pcap file (`rx_pcap=`, once or forever with `infinite_rx=1`)
/// and writes transmitted frames to another (`tx_pcap=`), which tcpdump reads.
public final class PcapPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_pcap"
    public let devargs: String
    public var macAddress = EtherAddress.random()
    public let mtu = 1500
    public let readinessDescriptor: Int32 = -1
    private let reader: PcapReader?
    private let writer: PcapWriter?
    private let infinite: Bool
    private var exhausted = false
    private var started = false

    /// Opens the files named.
    public init(deviceName: String, devargs: String, rxPath: String?, txPath: String?, infinite: Bool) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        reader = try rxPath.map { path throws(FastPathError) in try PcapReader(path: path) }
        writer = try txPath.map { path throws(FastPathError) in try PcapWriter(path: path) }
        self.infinite = infinite
    }

    public var linkUp: Bool { started }
    public func start() throws(FastPathError) { started = true }
    public func stop() {
        started = false
        writer?.flush()
    }
    public func close() { writer?.close() }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        guard started, let reader, !exhausted else { return 0 }
        var n = 0
        while n < max {
            guard cache.take(1, into: burst + n) == 1 else { break }
            let packet = burst[n]
            var length = reader.next(into: packet.data, capacity: PacketPool.dataRoom)
            if length == nil && infinite {
                reader.rewind()
                length = reader.next(into: packet.data, capacity: PacketPool.dataRoom)
            }
            guard let length else {
                cache.give(packet)
                exhausted = true
                break
            }
            packet.length = length
            n += 1
        }
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started else { return 0 }
        if let writer {
            for i in 0..<count { writer.write(burst[i].data, length: burst[i].length) }
        }
        cache.give(count, from: burst)
        return count
    }
}
