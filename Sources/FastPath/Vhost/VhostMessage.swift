/// One vhost-user message: the 12-byte header (request, flags, payload size), the payload, and the
/// descriptors that came with it. Decoding checks every size and field before anything uses it.
public struct VhostMessage: Sendable {
    /// Header bytes.
    public static let headerSize = 12
    /// Largest payload accepted (a memory table of 8 regions is 8 + 8×32 bytes).
    public static let maxPayload = 4096
    /// Protocol version in the flags.
    public static let version: UInt32 = 0x1
    /// Flag: this is a reply.
    static let replyFlag: UInt32 = 1 << 2
    /// Flag: the sender wants an ack (REPLY_ACK).
    static let needReplyFlag: UInt32 = 1 << 3

    /// The raw request code.
    public var code: UInt32
    /// Flags.
    public var flags: UInt32
    /// Payload bytes.
    public var payload: [UInt8]
    /// Descriptors passed with it (owned by the message's receiver).
    public var fds: [Int32]

    /// Creates a message.
    public init(code: UInt32, flags: UInt32 = VhostMessage.version, payload: [UInt8] = [], fds: [Int32] = []) {
        self.code = code
        self.flags = flags
        self.payload = payload
        self.fds = fds
    }

    /// The request, if known.
    public var request: VhostRequest? { VhostRequest(rawValue: code) }
    /// Whether the sender asked for an ack.
    public var needsReply: Bool { flags & Self.needReplyFlag != 0 }

    /// Decodes the header; throws when the version or size is wrong.
    public static func header(_ bytes: UnsafeRawBufferPointer) throws(VhostError) -> (code: UInt32, flags: UInt32, size: Int) {
        guard bytes.count >= headerSize else { throw .malformed("header of \(bytes.count) bytes") }
        let code = bytes.loadUnaligned(as: UInt32.self)
        let flags = bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)
        let size = Int(bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
        guard flags & 0x3 == version else { throw .malformed("version \(flags & 0x3) (flags 0x\(String(flags, radix: 16))), expected 1") }
        guard size <= maxPayload else { throw .malformed("payload of \(size) bytes (at most \(maxPayload))") }
        return (code, flags, size)
    }

    /// The header and payload as bytes, for sending.
    public var bytes: [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(Self.headerSize + payload.count)
        withUnsafeBytes(of: code.littleEndian) { out += $0 }
        withUnsafeBytes(of: flags.littleEndian) { out += $0 }
        withUnsafeBytes(of: UInt32(payload.count).littleEndian) { out += $0 }
        return out + payload
    }

    /// A reply carrying one u64.
    public static func reply(to code: UInt32, u64 value: UInt64) -> VhostMessage {
        VhostMessage(code: code, flags: version | replyFlag, payload: withUnsafeBytes(of: value.littleEndian) { Array($0) })
    }

    /// A reply carrying a vring state.
    public static func reply(to code: UInt32, index: UInt32, num: UInt32) -> VhostMessage {
        var p = [UInt8]()
        withUnsafeBytes(of: index.littleEndian) { p += $0 }
        withUnsafeBytes(of: num.littleEndian) { p += $0 }
        return VhostMessage(code: code, flags: version | replyFlag, payload: p)
    }

    /// The payload as one u64.
    public func u64() throws(VhostError) -> UInt64 {
        guard payload.count >= 8 else { throw .malformed("request \(code): payload of \(payload.count) bytes, expected a u64") }
        return payload.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    /// The payload as a vring state (index, num).
    public func vringState() throws(VhostError) -> (index: Int, num: UInt32) {
        guard payload.count >= 8 else { throw .malformed("request \(code): payload of \(payload.count) bytes, expected a vring state") }
        return payload.withUnsafeBytes { (Int($0.loadUnaligned(as: UInt32.self)), $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self)) }
    }

    /// The payload as vring addresses.
    public func vringAddress() throws(VhostError) -> VringAddress {
        guard payload.count >= 40 else { throw .malformed("SET_VRING_ADDR payload of \(payload.count) bytes, expected 40") }
        return payload.withUnsafeBytes {
            VringAddress(
                index: Int($0.loadUnaligned(as: UInt32.self)), flags: $0.loadUnaligned(fromByteOffset: 4, as: UInt32.self),
                descriptors: $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self), used: $0.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                available: $0.loadUnaligned(fromByteOffset: 24, as: UInt64.self), log: $0.loadUnaligned(fromByteOffset: 32, as: UInt64.self))
        }
    }

    /// The payload as a memory table: one region per descriptor, each checked for overflow.
    public func memoryRegions() throws(VhostError) -> [MemoryRegion] {
        guard payload.count >= 8 else { throw .malformed("SET_MEM_TABLE payload of \(payload.count) bytes") }
        let count = payload.withUnsafeBytes { Int($0.loadUnaligned(as: UInt32.self)) }
        guard count >= 1 && count <= 8 else { throw .malformed("SET_MEM_TABLE with \(count) regions (1 to 8)") }
        guard payload.count >= 8 + count * 32 else { throw .malformed("SET_MEM_TABLE: \(count) regions need \(8 + count * 32) bytes, got \(payload.count)") }
        guard fds.count == count else { throw .malformed("SET_MEM_TABLE: \(count) regions but \(fds.count) descriptors") }
        var regions = [MemoryRegion]()
        for i in 0..<count {
            let r = payload.withUnsafeBytes { raw in
                MemoryRegion(
                    guestPhysical: raw.loadUnaligned(fromByteOffset: 8 + i * 32, as: UInt64.self),
                    size: raw.loadUnaligned(fromByteOffset: 16 + i * 32, as: UInt64.self),
                    userAddress: raw.loadUnaligned(fromByteOffset: 24 + i * 32, as: UInt64.self),
                    mmapOffset: raw.loadUnaligned(fromByteOffset: 32 + i * 32, as: UInt64.self), fd: fds[i])
            }
            guard r.size > 0, r.size < 1 << 48, r.guestPhysical.addingReportingOverflow(r.size).overflow == false,
                r.userAddress.addingReportingOverflow(r.size).overflow == false, r.mmapOffset < 1 << 48
            else {
                throw .malformed("SET_MEM_TABLE region \(i): size 0x\(String(r.size, radix: 16)) at 0x\(String(r.guestPhysical, radix: 16)) overflows")
            }
            regions.append(r)
        }
        return regions
    }

    /// The payload of SET_LOG_BASE: size and offset of the shared log.
    public func logBase() throws(VhostError) -> (size: UInt64, offset: UInt64) {
        guard payload.count >= 16 else { throw .malformed("SET_LOG_BASE payload of \(payload.count) bytes, expected 16") }
        guard fds.count == 1 else { throw .malformed("SET_LOG_BASE without its descriptor") }
        return payload.withUnsafeBytes { ($0.loadUnaligned(as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self)) }
    }
}
