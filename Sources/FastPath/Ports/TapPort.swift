import CFastPath
import Glibc

/// `net_tap`: a TAP interface FastPath creates (or attaches to), the kernel exception path — frames
/// FastPath transmits appear on the interface, frames the kernel sends out of it are received.
public final class TapPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_tap"
    public let devargs: String
    public var macAddress: EtherAddress
    /// The kernel interface's name.
    public let interface: String
    private let kernel: KernelInterface
    private var fd: Int32
    private var started = false

    /// Creates (or attaches to) the TAP interface `interface`, brings it up.
    public init(deviceName: String, devargs: String, interface: String, mac: EtherAddress?) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        var actual = [CChar](repeating: 0, count: 16)
        let r = cfp_tap_open(interface, &actual)
        guard r >= 0 else { throw .system("\(deviceName): TAP interface \(interface)", -r) }
        fd = r
        self.interface = String(decoding: actual.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        do {
            kernel = try KernelInterface.open(self.interface, for: deviceName, promiscuous: false).0
        } catch {
            Glibc.close(r)
            throw error
        }
        // Like DPDK's tap PMD, the port's own address differs from the kernel side's.
        macAddress = mac ?? EtherAddress.random()
    }

    deinit { if fd >= 0 { Glibc.close(fd) } }

    public var mtu: Int { kernel.mtu }
    public var linkUp: Bool { fd >= 0 && started }
    public var readinessDescriptor: Int32 { fd }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }
    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        guard started, fd >= 0 else { return 0 }
        var n = 0
        while n < max {
            guard cache.take(1, into: burst + n) == 1 else { break }
            let packet = burst[n]
            let r = Glibc.read(fd, packet.data, PacketPool.dataRoom)
            if r <= 0 {
                cache.give(packet)
                break
            }
            packet.length = r
            n += 1
        }
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started, fd >= 0 else { return 0 }
        var sent = 0
        while sent < count {
            let packet = burst[sent]
            if Glibc.write(fd, packet.data, packet.length) < 0 && errno == EAGAIN { break }
            sent += 1
        }
        cache.give(sent, from: burst)
        return sent
    }
}
