import CFastPath
import Glibc

/// `net_af_packet`: a kernel interface through an AF_PACKET socket with TPACKET_V3 rings mapped into
/// FastPath — received frames are read in place from the kernel's blocks, transmitted frames are
/// written into the tx ring and sent with one kick per burst.
public final class AFPacketPort: Port, @unchecked Sendable {
    public let deviceName: String
    public let driverName = "net_af_packet"
    public let devargs: String
    public var macAddress: EtherAddress
    /// The kernel interface.
    public let interface: String
    private let kernel: KernelInterface
    private var rings = cfp_packet_rings()
    private var rxBlock = 0  // block being read
    private var rxPacketInBlock = 0  // packets of it already read
    private var rxNext = 0  // offset of the next packet in it
    private var txFrame = 0
    private let txDataOffset = Int(cfp_tx_data_offset())
    private var started = false

    /// Opens the socket and maps its rings on `interface`.
    public init(deviceName: String, devargs: String, interface: String, blockSize: Int, blockCount: Int, frameCount: Int) throws(FastPathError) {
        self.deviceName = deviceName
        self.devargs = devargs
        self.interface = interface
        (kernel, macAddress) = try KernelInterface.open(interface, for: deviceName, promiscuous: true)
        let o = cfp_packet_open(interface, UInt32(blockSize), UInt32(blockCount), 2048, UInt32(frameCount), &rings)
        guard o == 0 else { throw .system("\(deviceName): AF_PACKET socket on \(interface)", -o) }
    }

    deinit { cfp_packet_close(&rings) }

    public var mtu: Int { kernel.mtu }
    public var linkUp: Bool { kernel.running }
    public var readinessDescriptor: Int32 { rings.fd }
    public func start() throws(FastPathError) { started = true }
    public func stop() { started = false }
    public func close() { cfp_packet_close(&rings) }

    public func takeMissed() -> UInt64 {
        var packets: UInt32 = 0
        var drops: UInt32 = 0
        return cfp_packet_stats(rings.fd, &packets, &drops) == 0 ? UInt64(drops) : 0
    }

    public func prepareToSleep() -> Bool {
        cfp_block_status(block(rxBlock)) & UInt32(TP_STATUS_USER) == 0
    }

    /// A down interface leaves ENETDOWN pending on the socket, which would end every poll() at once.
    public func awake() { _ = cfp_take_socket_error(rings.fd) }

    @inline(__always) private func block(_ i: Int) -> UnsafeMutablePointer<UInt8> {
        rings.map + i * Int(rings.rx_block_size)
    }

    public func receive(_ burst: UnsafeMutablePointer<PacketRef>, max: Int, cache: inout PoolCache) -> Int {
        guard started, rings.map != nil else { return 0 }
        var n = 0
        while n < max {
            let b = block(rxBlock)
            if cfp_block_status(b) & UInt32(TP_STATUS_USER) == 0 { break }
            let total = Int(cfp_block_packets(b))
            if rxPacketInBlock == 0 { rxNext = Int(cfp_block_first(b)) }
            while n < max && rxPacketInBlock < total {
                let header = UnsafeMutableRawPointer(b + rxNext).assumingMemoryBound(to: tpacket3_hdr.self)
                if cfp_frame_outgoing(b + rxNext) != 0 {
                    rxNext += Int(header.pointee.tp_next_offset)
                    rxPacketInBlock += 1
                    continue
                }
                guard cache.take(1, into: burst + n) == 1 else { return n }
                let packet = burst[n]
                let frame = UnsafeRawPointer(header) + Int(header.pointee.tp_mac)
                var tpid: UInt16 = 0, tci: UInt16 = 0
                if cfp_frame_vlan(b + rxNext, &tpid, &tci) != 0 && header.pointee.tp_snaplen >= 12 {
                    // The tag the kernel moved into the frame's metadata goes back after the addresses.
                    let length = Swift.min(Int(header.pointee.tp_snaplen), PacketPool.dataRoom - 4)
                    packet.data.copyMemory(from: frame, byteCount: 12)
                    packet.data.storeBytes(of: tpid.bigEndian, toByteOffset: 12, as: UInt16.self)
                    packet.data.storeBytes(of: tci.bigEndian, toByteOffset: 14, as: UInt16.self)
                    (packet.data + 16).copyMemory(from: frame + 12, byteCount: length - 12)
                    packet.length = length + 4
                } else {
                    let length = Swift.min(Int(header.pointee.tp_snaplen), PacketPool.dataRoom)
                    packet.data.copyMemory(from: frame, byteCount: length)
                    packet.length = length
                }
                rxNext += Int(header.pointee.tp_next_offset)
                rxPacketInBlock += 1
                n += 1
            }
            if rxPacketInBlock == total {
                cfp_block_release(b)
                rxPacketInBlock = 0
                rxBlock = (rxBlock + 1) % Int(rings.rx_block_count)
            }
        }
        return n
    }

    public func transmit(_ burst: UnsafeMutablePointer<PacketRef>, count: Int, cache: inout PoolCache) -> Int {
        guard started, rings.map != nil else { return 0 }
        let txBase = rings.map + Int(rings.rx_block_size) * Int(rings.rx_block_count)
        let frameSize = Int(rings.tx_frame_size)
        var sent = 0
        while sent < count {
            let frame = txBase + txFrame * frameSize
            let status = cfp_frame_status(frame)
            if status == UInt32(TP_STATUS_WRONG_FORMAT) { cfp_frame_reset(frame) } else if status != UInt32(TP_STATUS_AVAILABLE) { break }
            let packet = burst[sent]
            let length = Swift.min(packet.length, frameSize - txDataOffset)
            UnsafeMutableRawPointer(frame + txDataOffset).copyMemory(from: packet.data, byteCount: length)
            cfp_frame_send(frame, UInt32(length))
            txFrame = (txFrame + 1) % Int(rings.tx_frame_count)
            sent += 1
        }
        if sent > 0 {
            _ = cfp_packet_kick(rings.fd)
            cache.give(sent, from: burst)
        }
        return sent
    }
}
