import CFastPath
import Glibc

/// The dirty-page bitmap QEMU shares during live migration (SET_LOG_BASE): one bit per 4 KiB guest
/// page. Every page the back-end writes — rx buffers and the used ring — is marked, so the copy of
/// the guest on the destination misses nothing.
public final class DirtyLog: @unchecked Sendable {
    private let base: UnsafeMutablePointer<UInt8>
    private let mapping: UnsafeMutableRawPointer
    private let mappingSize: Int
    /// Bytes of bitmap.
    public let size: UInt64

    /// Maps the log (the caller closes the descriptor; the mapping outlives it).
    public init(fd: Int32, size: UInt64, offset: UInt64) throws(VhostError) {
        guard size > 0 && size < 1 << 40 else { throw .malformed("dirty log of \(size) bytes") }
        let (end, overflow) = size.addingReportingOverflow(offset)
        guard !overflow, end < 1 << 48 else { throw .malformed("dirty log of \(size) bytes at offset 0x\(String(offset, radix: 16))") }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw .system("fstat of the dirty log's descriptor", errno) }
        // Pages past the end of the file would kill the process (SIGBUS) at the first mark.
        guard st.st_size >= end else { throw .badAddress("dirty log of \(size) bytes at offset \(offset) runs past its file (\(st.st_size) bytes)") }
        let length = Int(end)
        guard let map = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), map != MAP_FAILED else {
            throw .system("mmap of the \(size)-byte dirty log", errno)
        }
        mapping = map
        mappingSize = length
        base = (map + Int(offset)).assumingMemoryBound(to: UInt8.self)
        self.size = size
    }

    deinit { munmap(mapping, mappingSize) }

    /// The data path's handle on this log.
    public var view: DirtyLogView { DirtyLogView(base: base, size: size) }

    /// Marks the pages of `length` bytes written at guest physical `address`.
    public func mark(_ address: UInt64, length: Int) { view.mark(address, length: length) }

    /// Whether page `page` is marked (for tests).
    public func isMarked(page: UInt64) -> Bool {
        let byte = page >> 3
        return byte < size && base[Int(byte)] & (UInt8(1) << UInt8(page & 7)) != 0
    }
}
