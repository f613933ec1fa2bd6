/// A program's output kept within a bound, whatever it prints: its first `half` bytes and its last
/// `half`, and how many between were left out (a step that prints forever cannot exhaust memory).
struct BoundedBytes {
    /// Bytes kept at each end.
    static let half = 8 << 20
    private var head: [UInt8] = []
    private var tail: [UInt8] = []
    /// Bytes no longer kept (the tail is trimmed to `half` once it holds twice that).
    private var dropped = 0

    mutating func append(_ chunk: ArraySlice<UInt8>) {
        let room = Self.half - head.count
        if room > 0 {
            head += chunk.prefix(room)
            tail += chunk.dropFirst(room)
        } else {
            tail += chunk
        }
        if tail.count > 2 * Self.half {
            let cut = tail.count - Self.half
            tail.removeFirst(cut)
            dropped += cut
        }
    }

    /// The output as text — at most `half` bytes from each end — with a line saying where and how much
    /// was left out.
    var text: String {
        let last = tail.suffix(Self.half), left = dropped + tail.count - last.count
        guard left > 0 else { return String(decoding: head + tail, as: UTF8.self) }
        return String(decoding: head, as: UTF8.self) + "\n[… \(left) bytes of output left out …]\n" + String(decoding: last, as: UTF8.self)
    }
}
