/// How a captured frame crosses the control socket to pdump: a 16-byte little-endian header
/// (magic 0xFA57 at 0, port at 2, direction at 4, frame length at 6 as 16 bits, capture time in ns
/// at 8) then the frame.
public enum PdumpRecord {
    /// Header bytes.
    public static let headerSize = 16
    static let magic: UInt16 = 0xFA57

    /// Writes the record for `packet` into `buffer`; returns its length.
    static func encode(_ c: CaptureHub.CapturedPacket, into buffer: inout [UInt8]) -> Int {
        let length = c.packet.length
        buffer.withUnsafeMutableBytes { raw in
            let p = raw.baseAddress!
            p.storeBytes(of: magic.littleEndian, as: UInt16.self)
            p.storeBytes(of: c.port.littleEndian, toByteOffset: 2, as: UInt16.self)
            p.storeBytes(of: c.direction, toByteOffset: 4, as: UInt8.self)
            p.storeBytes(of: UInt16(length).littleEndian, toByteOffset: 6, as: UInt16.self)
            p.storeBytes(of: c.time.littleEndian, toByteOffset: 8, as: UInt64.self)
            (p + headerSize).copyMemory(from: c.packet.data, byteCount: length)
        }
        return headerSize + length
    }

    /// A decoded header.
    public struct Header: Sendable, Equatable {
        /// Port the frame was seen on.
        public var port: Int
        /// Direction.
        public var direction: CaptureDirection
        /// Frame length.
        public var length: Int
    }

    /// Decodes a header; nil when the magic is wrong (the stream is out of step).
    public static func decode(_ header: UnsafeRawBufferPointer) -> Header? {
        guard header.count >= headerSize, UInt16(littleEndian: header.loadUnaligned(as: UInt16.self)) == magic,
            let direction = CaptureDirection(rawValue: Int(header.load(fromByteOffset: 4, as: UInt8.self)))
        else { return nil }
        let length = Int(UInt16(littleEndian: header.loadUnaligned(fromByteOffset: 6, as: UInt16.self)))
        guard length <= PacketPool.dataRoom else { return nil }
        return Header(port: Int(UInt16(littleEndian: header.loadUnaligned(fromByteOffset: 2, as: UInt16.self))), direction: direction, length: length)
    }
}
