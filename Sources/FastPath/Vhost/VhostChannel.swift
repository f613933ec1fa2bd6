import CFastPath
import Glibc

/// The front-end's end of a vhost-user socket: requests with their descriptors out, replies in.
final class VhostChannel: @unchecked Sendable {
    let fd: Int32

    init(fd: Int32) { self.fd = fd }
    deinit { close(fd) }

    /// Ends the conversation (the back-end sees the socket close and resets its device).
    func shutdown() { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }

    /// Sends a request; with `reply`, waits for and returns the reply's payload.
    @discardableResult
    func send(_ request: VhostRequest, payload: [UInt8] = [], fds: [Int32] = [], reply: Bool = false) throws(VhostError) -> [UInt8] {
        let bytes = VhostMessage(code: request.rawValue, payload: payload).bytes
        let sent = bytes.withUnsafeBytes { raw in
            fds.withUnsafeBufferPointer { cfp_send_with_fds(fd, raw.baseAddress!, UInt(raw.count), $0.baseAddress, Int32(fds.count)) }
        }
        guard sent == bytes.count else { throw .system("sending \(request) to the back-end", Int32(-sent)) }
        guard reply else { return [] }
        var header = [UInt8](repeating: 0, count: VhostMessage.headerSize)
        guard readExactly(&header) else { throw .outOfOrder("the back-end closed the socket instead of answering \(request)") }
        let parsed = header.withUnsafeBytes { raw in Result { () throws(VhostError) in try VhostMessage.header(raw) } }
        let h = try parsed.get()
        guard h.code == request.rawValue else { throw .outOfOrder("asked \(request), the back-end answered request \(h.code)") }
        var payload = [UInt8](repeating: 0, count: h.size)
        guard readExactly(&payload) else { throw .outOfOrder("the back-end closed the socket mid-reply") }
        return payload
    }

    /// Sends a request whose reply is one u64.
    func ask(_ request: VhostRequest) throws(VhostError) -> UInt64 {
        let p = try send(request, reply: true)
        guard p.count >= 8 else { throw .malformed("reply to \(request) of \(p.count) bytes") }
        return p.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
    }

    private func readExactly(_ buffer: inout [UInt8]) -> Bool {
        var done = 0
        while done < buffer.count {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress! + done, $0.count - done) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    static func u64(_ v: UInt64) -> [UInt8] { withUnsafeBytes(of: v.littleEndian) { Array($0) } }
    static func state(_ index: Int, _ num: Int) -> [UInt8] { u64(UInt64(index) | UInt64(num) << 32) }
}
