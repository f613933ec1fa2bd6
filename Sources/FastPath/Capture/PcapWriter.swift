import Glibc

/// Writes a pcap file (microsecond timestamps, Ethernet link type) that tcpdump and Wireshark read.
/// Each record is written with one buffered fwrite; `flush` pushes them to the file.
public final class PcapWriter: @unchecked Sendable {
    private var file: UnsafeMutablePointer<FILE>?
    /// Path of the file.
    public let path: String
    /// Records written.
    public private(set) var records = 0

    /// Creates (truncates) the file and writes the global header.
    public init(path: String, snapLength: Int = 65535) throws(FastPathError) {
        self.path = path
        guard let f = fopen(path, "w") else { throw .system("creating pcap file \(path)", errno) }
        file = f
        var header = [UInt8]()
        Self.append(&header, UInt32(0xa1b2c3d4))
        Self.append(&header, UInt16(2))
        Self.append(&header, UInt16(4))
        Self.append(&header, UInt32(0))
        Self.append(&header, UInt32(0))
        Self.append(&header, UInt32(snapLength))
        Self.append(&header, UInt32(1))
        fwrite(header, 1, header.count, f)
        fflush(f)
    }

    deinit { close() }

    private static func append<T: FixedWidthInteger>(_ bytes: inout [UInt8], _ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends one frame with the current time.
    public func write(_ frame: UnsafeRawPointer, length: Int, originalLength: Int? = nil) {
        guard let file else { return }
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var record = (
            UInt32(truncatingIfNeeded: now.tv_sec).littleEndian, UInt32(now.tv_nsec / 1000).littleEndian,
            UInt32(length).littleEndian, UInt32(originalLength ?? length).littleEndian
        )
        fwrite(&record, 16, 1, file)
        fwrite(frame, 1, length, file)
        records += 1
    }

    /// Pushes buffered records to the file.
    public func flush() { if let file { fflush(file) } }

    /// Flushes and closes the file.
    public func close() {
        if let file { fclose(file) }
        file = nil
    }
}
