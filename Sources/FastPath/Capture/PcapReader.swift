import Glibc

/// Reads the frames of a pcap file (either byte order, micro- or nanosecond timestamps, Ethernet).
public final class PcapReader: @unchecked Sendable {
    private var file: UnsafeMutablePointer<FILE>?
    private let swapped: Bool
    /// Path of the file.
    public let path: String
    private let dataStart: Int

    /// Opens the file and checks its global header.
    public init(path: String) throws(FastPathError) {
        self.path = path
        guard let f = fopen(path, "r") else { throw .system("opening pcap file \(path)", errno) }
        var header = [UInt8](repeating: 0, count: 24)
        guard fread(&header, 1, 24, f) == 24 else {
            fclose(f)
            throw .invalid("\(path): not a pcap file (shorter than its 24-byte header)")
        }
        let magic = header.withUnsafeBytes { $0.load(as: UInt32.self) }
        switch magic {
        case 0xa1b2c3d4, 0xa1b23c4d: swapped = false
        case 0xd4c3b2a1, 0x4d3cb2a1: swapped = true
        default:
            fclose(f)
            throw .invalid("\(path): not a pcap file (magic 0x\(String(magic, radix: 16)))")
        }
        let linkType = header.withUnsafeBytes { $0.load(fromByteOffset: 20, as: UInt32.self) }
        guard (swapped ? linkType.byteSwapped : linkType) == 1 else {
            fclose(f)
            throw .invalid("\(path): link type \(swapped ? linkType.byteSwapped : linkType) is not Ethernet (1)")
        }
        file = f
        dataStart = 24
    }

    deinit { if let file { fclose(file) } }

    /// Reads the next frame into `into` (at most `capacity` bytes, the rest skipped); nil at the end.
    public func next(into: UnsafeMutableRawPointer, capacity: Int) -> Int? {
        guard let file else { return nil }
        var record = (UInt32(0), UInt32(0), UInt32(0), UInt32(0))
        guard fread(&record, 16, 1, file) == 1 else { return nil }
        let captured = Int(swapped ? record.2.byteSwapped : record.2)
        let kept = min(captured, capacity)
        guard fread(into, 1, kept, file) == kept else { return nil }
        if captured > kept { fseek(file, captured - kept, SEEK_CUR) }
        return kept
    }

    /// Starts again from the first frame.
    public func rewind() { if let file { fseek(file, dataStart, SEEK_SET) } }
}
