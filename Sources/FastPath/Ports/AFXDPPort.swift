import CFastPath
import Glibc

/// `net_af_xdp`: an AF_XDP socket on queue 0 of a kernel interface, with FastPath's own XDP program
/// (loaded through the bpf syscall, attached by a bpf link the kernel drops when FastPath exits)
/// redirecting the queue to it. Native (driver) or skb mode; copy mode, so it works on veth.
/// UMEM frames: the first half circulate through the fill and rx rings, the second half carry tx.
public final class AFXDPPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_af_xdp"
    public let devargs: String
    public var macAddress: EtherAddress
    /// The kernel interface.
    public let interface: String
    private let kernel: KernelInterface
    /// Whether the program runs in the driver (native) or in the generic skb path.
    public let native: Bool
    private var xsk = cfp_xdp_socket()
    private let txFree: UnsafeMutablePointer<UInt64>
    private var txFreeCount = 0
    private var started = false

    /// Opens the socket and attaches the program.
    public init(deviceName: String, devargs: String, interface: String, native: Bool, frames: Int) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        self.interface = interface
        self.native = native
        (kernel, macAddress) = try KernelInterface.open(interface, for: deviceName, promiscuous: true)
        var stage: UnsafePointer<CChar>?
        let o = cfp_xdp_open(interface, UInt32(frames), UInt32(frames / 2), native ? 1 : 0, &xsk, &stage)
        guard o == 0 else { throw .system("\(deviceName): AF_XDP on \(interface): \(stage.map { String(cString: $0) } ?? "setup")", -o) }
        txFree = .allocate(capacity: frames / 2)
        for i in 0..<(frames / 2) { txFree[i] = UInt64((frames / 2 + i) * 2048) }
        txFreeCount = frames / 2
        // Every rx frame goes to the kernel through the fill ring.
        let fill = xsk.fill.descriptors.assumingMemoryBound(to: UInt64.self)
        for i in 0..<(frames / 2) { fill[i] = UInt64(i * 2048) }
        cfp_ring_store_release(xsk.fill.producer, UInt32(frames / 2))
    }

    deinit {
        cfp_xdp_close(&xsk)
        txFree.deallocate()
    }

    public var mtu: Int { kernel.mtu }
    public var linkUp: Bool { kernel.running }
    public var readinessDescriptor: Int32 { xsk.fd }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }
    public func close() { cfp_xdp_close(&xsk) }

    public func prepareToSleep() -> Bool {
        cfp_ring_load_acquire(xsk.rx.producer) == xsk.rx.consumer.pointee
    }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        guard started, xsk.fd >= 0 else { return 0 }
        let consumer = xsk.rx.consumer.pointee
        let available = Int(cfp_ring_load_acquire(xsk.rx.producer) &- consumer)
        if available == 0 { return 0 }
        let want = Swift.min(available, max)
        let n = cache.take(want, into: burst)
        let mask = xsk.rx.size - 1
        let descriptors = xsk.rx.descriptors.assumingMemoryBound(to: xdp_desc.self)
        let fill = xsk.fill.descriptors.assumingMemoryBound(to: UInt64.self)
        let fillProducer = xsk.fill.producer.pointee
        for i in 0..<n {
            let d = descriptors[Int((consumer &+ UInt32(i)) & mask)]
            let length = Swift.min(Int(d.len), PacketPool.dataRoom)
            burst[i].data.copyMemory(from: UnsafeRawPointer(xsk.umem + Int(d.addr)), byteCount: length)
            burst[i].length = length
            fill[Int((fillProducer &+ UInt32(i)) & (xsk.fill.size - 1))] = d.addr & ~UInt64(2047)
        }
        cfp_ring_store_release(xsk.rx.consumer, consumer &+ UInt32(n))
        cfp_ring_store_release(xsk.fill.producer, fillProducer &+ UInt32(n))
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started, xsk.fd >= 0 else { return 0 }
        // Frames the kernel finished sending come back through the completion ring.
        let cc = xsk.completion.consumer.pointee
        let done = Int(cfp_ring_load_acquire(xsk.completion.producer) &- cc)
        if done > 0 {
            let completions = xsk.completion.descriptors.assumingMemoryBound(to: UInt64.self)
            for i in 0..<done { txFree[txFreeCount + i] = completions[Int((cc &+ UInt32(i)) & (xsk.completion.size - 1))] }
            txFreeCount += done
            cfp_ring_store_release(xsk.completion.consumer, cc &+ UInt32(done))
        }
        let n = Swift.min(count, txFreeCount)
        if n == 0 {
            cfp_xdp_kick_tx(&xsk)
            return 0
        }
        let producer = xsk.tx.producer.pointee
        let descriptors = xsk.tx.descriptors.assumingMemoryBound(to: xdp_desc.self)
        for i in 0..<n {
            txFreeCount -= 1
            let address = txFree[txFreeCount]
            let length = Swift.min(burst[i].length, 2048)
            UnsafeMutableRawPointer(xsk.umem + Int(address)).copyMemory(from: burst[i].data, byteCount: length)
            descriptors[Int((producer &+ UInt32(i)) & (xsk.tx.size - 1))] = xdp_desc(addr: address, len: UInt32(length), options: 0)
        }
        cfp_ring_store_release(xsk.tx.producer, producer &+ UInt32(n))
        cfp_xdp_kick_tx(&xsk)
        cache.give(n, from: burst)
        return n
    }
}
