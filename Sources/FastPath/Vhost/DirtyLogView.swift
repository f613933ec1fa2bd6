import CFastPath

/// The data path's handle on a dirty log: the bitmap's address and size, no reference counting.
/// Valid while its `DirtyLog` lives.
public struct DirtyLogView {
    let base: UnsafeMutablePointer<UInt8>
    let size: UInt64

    /// Marks the 4 KiB pages of `length` bytes written at guest physical `address`.
    @inline(__always)
    public func mark(_ address: UInt64, length: Int) {
        guard length > 0 else { return }
        var page = address >> 12
        // An address the front-end gave (a used ring's log address) may lie anywhere up to 2^64.
        let (end, overflow) = address.addingReportingOverflow(UInt64(length) - 1)
        let last = (overflow ? UInt64.max : end) >> 12
        while page <= last {
            let byte = page >> 3
            if byte >= size { return }
            cfp_log_or_u8(base + Int(byte), UInt8(1) << UInt8(page & 7))
            page += 1
        }
    }
}
