import CFastPath

/// The probes txonly and flowgen generate, and rxonly checks: Ethernet / IPv4 / UDP (or ICMP echo,
/// which a guest's kernel answers with the same payload) with a 2-byte magic, a 64-bit sequence
/// number and a 64-bit send time (ns) at the start of the payload, so a receiver counts loss,
/// reordering and the longest gap (the outage of a migration).
public enum Probe {
    /// Magic at the start of the payload.
    public static let magic: UInt16 = 0xFA57
    /// Offset of the payload in the frame.
    public static let payloadOffset = 42
    /// Shortest frame that carries a probe (the Ethernet minimum without FCS).
    public static let minimumLength = 60
    /// Source address of generated packets (198.18.0.1, RFC 2544's benchmark range, never routed).
    public static let sourceIP: UInt32 = 0xC612_0001
    /// First destination address (198.18.0.2); flowgen adds the flow number.
    public static let destinationIP: UInt32 = 0xC612_0002

    /// Where the probe's numbers start in a frame of this protocol, inside `tunnel` when there is one.
    public static func payloadOffset(_ proto: ProbeProtocol, tunnel: VXLANTunnel?) -> Int {
        (tunnel?.overhead ?? 0) + 34 + proto.headerLength
    }

    /// Builds a template frame of `length` bytes from `source` to `destination`, with the IPv4
    /// addresses and ports given (testpmd's --tx-ip and --tx-udp; RFC 2544's range by default), over
    /// `proto`; in a VXLAN `tunnel` those are the outer headers and the probe is the inner frame.
    public static func template(
        length: Int, source: EtherAddress, destination: EtherAddress,
        ip: (source: UInt32, destination: UInt32) = (sourceIP, destinationIP),
        udp: (source: UInt16, destination: UInt16) = (9, 9), proto: ProbeProtocol = .udp, tunnel: VXLANTunnel? = nil
    ) -> [UInt8] {
        let length = max(length, minimumLength)
        guard let tunnel else { return frame(length: length, source: source, destination: destination, ip: ip, ports: udp, proto: proto, vlan: nil) }
        let inner = frame(
            length: max(minimumLength, length - 50), source: tunnel.innerSourceMAC, destination: tunnel.innerDestinationMAC,
            ip: (tunnel.innerSourceIP, tunnel.innerDestinationIP), ports: udp, proto: proto, vlan: tunnel.innerVLAN)
        var outer = Array(
            frame(length: 50, source: source, destination: destination, ip: ip, ports: (udp.source, VXLANTunnel.port), proto: .udp, vlan: nil).prefix(50))
        outer.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            for i in 42..<50 { p.storeBytes(of: UInt8(0), toByteOffset: i, as: UInt8.self) }
            p.storeBytes(of: UInt16(36 + inner.count).bigEndian, toByteOffset: 16, as: UInt16.self)
            p.storeBytes(of: UInt16(16 + inner.count).bigEndian, toByteOffset: 38, as: UInt16.self)
            p.storeBytes(of: UInt8(0x08), toByteOffset: 42, as: UInt8.self)  // the I flag: a valid VNI
            p.storeBytes(of: ((tunnel.vni & 0xFF_FFFF) << 8).bigEndian, toByteOffset: 46, as: UInt32.self)
            writeChecksum(p + 14)
        }
        return outer + inner
    }

    private static func frame(
        length: Int, source: EtherAddress, destination: EtherAddress, ip: (source: UInt32, destination: UInt32),
        ports: (source: UInt16, destination: UInt16), proto: ProbeProtocol, vlan: UInt16?
    ) -> [UInt8] {
        let tag = vlan == nil ? 0 : 4
        var f = [UInt8](repeating: 0, count: max(length, 34 + tag + proto.headerLength + 18))
        let length = f.count
        f.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            destination.store(to: p)
            source.store(to: p + 6)
            if let vlan {
                p.storeBytes(of: UInt16(0x8100).bigEndian, toByteOffset: 12, as: UInt16.self)
                p.storeBytes(of: (vlan & 0xFFF).bigEndian, toByteOffset: 14, as: UInt16.self)
            }
            let l3 = p + tag
            l3.storeBytes(of: UInt16(0x0800).bigEndian, toByteOffset: 12, as: UInt16.self)
            l3.storeBytes(of: UInt8(0x45), toByteOffset: 14, as: UInt8.self)
            l3.storeBytes(of: UInt16(length - tag - 14).bigEndian, toByteOffset: 16, as: UInt16.self)
            l3.storeBytes(of: UInt8(64), toByteOffset: 22, as: UInt8.self)
            l3.storeBytes(of: proto.number, toByteOffset: 23, as: UInt8.self)
            l3.storeBytes(of: ip.source.bigEndian, toByteOffset: 26, as: UInt32.self)
            l3.storeBytes(of: ip.destination.bigEndian, toByteOffset: 30, as: UInt32.self)
            switch proto {
            case .icmp:
                l3.storeBytes(of: UInt8(8), toByteOffset: 34, as: UInt8.self)  // echo request; id "LR", sequence 1
                l3.storeBytes(of: UInt16(0x4C52).bigEndian, toByteOffset: 38, as: UInt16.self)
                l3.storeBytes(of: UInt16(1).bigEndian, toByteOffset: 40, as: UInt16.self)
            case .udp:
                l3.storeBytes(of: ports.source.bigEndian, toByteOffset: 34, as: UInt16.self)
                l3.storeBytes(of: ports.destination.bigEndian, toByteOffset: 36, as: UInt16.self)
                l3.storeBytes(of: UInt16(length - tag - 34).bigEndian, toByteOffset: 38, as: UInt16.self)
            case .tcp:
                l3.storeBytes(of: ports.source.bigEndian, toByteOffset: 34, as: UInt16.self)
                l3.storeBytes(of: ports.destination.bigEndian, toByteOffset: 36, as: UInt16.self)
                l3.storeBytes(of: UInt8(5 << 4), toByteOffset: 46, as: UInt8.self)  // 20-byte header
                l3.storeBytes(of: UInt8(0x10), toByteOffset: 47, as: UInt8.self)  // ACK
                l3.storeBytes(of: UInt16(0xFFFF).bigEndian, toByteOffset: 48, as: UInt16.self)
            }
            l3.storeBytes(of: magic.bigEndian, toByteOffset: 34 + proto.headerLength, as: UInt16.self)
            writeChecksum(l3 + 14)
            if proto == .tcp { writeTCPChecksum(l3 + 14, length: length - tag - 14) }
        }
        return f
    }

    /// Computes and stores the TCP checksum of the IPv4 packet of `length` bytes at `ip` (20-byte
    /// header), pseudo-header included.
    @inline(__always)
    public static func writeTCPChecksum(_ ip: UnsafeMutableRawPointer, length: Int) {
        let tcp = ip + 20
        tcp.storeBytes(of: 0, toByteOffset: 16, as: UInt16.self)
        var sum: UInt32 = 6 &+ UInt32(length - 20)
        for i in stride(from: 12, to: 20, by: 2) { sum &+= UInt32(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: i, as: UInt16.self))) }
        var i = 0
        while i + 1 < length - 20 {
            sum &+= UInt32(UInt16(bigEndian: tcp.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
            i += 2
        }
        if i < length - 20 { sum &+= UInt32(tcp.load(fromByteOffset: i, as: UInt8.self)) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        tcp.storeBytes(of: (~UInt16(truncatingIfNeeded: sum)).bigEndian, toByteOffset: 16, as: UInt16.self)
    }

    /// Computes and stores the IPv4 header checksum of the 20-byte header at `ip`.
    @inline(__always)
    public static func writeChecksum(_ ip: UnsafeMutableRawPointer) {
        ip.storeBytes(of: 0, toByteOffset: 10, as: UInt16.self)
        var sum: UInt32 = 0
        for i in stride(from: 0, to: 20, by: 2) {
            sum &+= UInt32(UInt16(bigEndian: ip.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
        }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        ip.storeBytes(of: (~UInt16(truncatingIfNeeded: sum)).bigEndian, toByteOffset: 10, as: UInt16.self)
    }

    /// Parses a dotted IPv4 address.
    public static func ipv4(_ text: some StringProtocol) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map { UInt32($0) }
        guard parts.count == 4, parts.allSatisfy({ $0 != nil && $0! < 256 }) else { return nil }
        return parts.reduce(0) { $0 << 8 | $1! }
    }

    /// Writes an IPv4 address in dotted form.
    public static func dotted(_ address: UInt32) -> String {
        [24, 16, 8, 0].map { String((address >> UInt32($0)) & 0xFF) }.joined(separator: ".")
    }

    /// Computes and stores the ICMP checksum of an ICMP message of `length` bytes at `icmp`.
    @inline(__always)
    public static func writeICMPChecksum(_ icmp: UnsafeMutableRawPointer, length: Int) {
        icmp.storeBytes(of: 0, toByteOffset: 2, as: UInt16.self)
        var sum: UInt32 = 0
        var i = 0
        while i + 1 < length {
            sum &+= UInt32(UInt16(bigEndian: icmp.loadUnaligned(fromByteOffset: i, as: UInt16.self)))
            i += 2
        }
        if i < length { sum &+= UInt32(icmp.load(fromByteOffset: i, as: UInt8.self)) << 8 }
        while sum > 0xFFFF { sum = (sum & 0xFFFF) &+ (sum >> 16) }
        icmp.storeBytes(of: (~UInt16(truncatingIfNeeded: sum)).bigEndian, toByteOffset: 2, as: UInt16.self)
    }

    /// Stamps sequence number and send time into a frame built from the template whose probe starts
    /// at `offset` (`payloadOffset(_:tunnel:)`).
    @inline(__always)
    public static func stamp(_ frame: UnsafeMutableRawPointer, at offset: Int = payloadOffset, sequence: UInt64, time: UInt64) {
        frame.storeBytes(of: sequence.bigEndian, toByteOffset: offset + 2, as: UInt64.self)
        frame.storeBytes(of: time.bigEndian, toByteOffset: offset + 10, as: UInt64.self)
    }

    /// The sequence number and send time of a received frame, or nil when it is not a probe.
    @inline(__always)
    public static func read(_ frame: UnsafeRawPointer, length: Int) -> (sequence: UInt64, time: UInt64)? {
        // The magic first: most frames that are not probes fail on this one load.
        guard length >= minimumLength,
            frame.loadUnaligned(fromByteOffset: payloadOffset, as: UInt16.self) == magic.bigEndian,
            frame.loadUnaligned(fromByteOffset: 12, as: UInt16.self) == UInt16(0x0800).bigEndian,
            frame.load(fromByteOffset: 23, as: UInt8.self) == 17 || frame.load(fromByteOffset: 23, as: UInt8.self) == 1
        else { return nil }
        return (
            UInt64(bigEndian: frame.loadUnaligned(fromByteOffset: payloadOffset + 2, as: UInt64.self)),
            UInt64(bigEndian: frame.loadUnaligned(fromByteOffset: payloadOffset + 10, as: UInt64.self))
        )
    }
}
