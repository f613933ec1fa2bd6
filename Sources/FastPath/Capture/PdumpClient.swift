import Foundation
import Glibc

/// The pdump tool's side: attaches to a running FastPath through its control socket, asks for one
/// port's packets, and writes what arrives to pcap files until told to stop.
public final class PdumpClient: @unchecked Sendable {
    private let fd: Int32
    private let spec: PdumpSpec
    private var writers: [CaptureDirection: PcapWriter] = [:]
    /// Frames written per direction.
    public private(set) var written: [CaptureDirection: Int] = [.rx: 0, .tx: 0]

    /// Connects and starts the capture; throws when FastPath is not there or refuses.
    public init(socket: String, spec: PdumpSpec) throws(FastPathError) {
        switch try UnixAddress(socket).connect() {
        case .success(let fd): self.fd = fd
        case .failure(let error):
            throw .invalid("cannot reach the primary process at \(socket): \(error.description) — is FastPath running (with the same --file-prefix)?")
        }
        self.spec = spec
        if let rx = spec.rxFile { writers[.rx] = try PcapWriter(path: rx) }
        if let tx = spec.txFile { writers[.tx] = tx == spec.rxFile ? writers[.rx] : try PcapWriter(path: tx) }
        let request = #"{"pdump": {"port": \#(spec.port), "rx": \#(spec.rxFile != nil), "tx": \#(spec.txFile != nil)}}"# + "\n"
        guard request.withCString({ send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }) > 0, let reply = readLine(),
            let object = try? JSONSerialization.jsonObject(with: Data(reply.utf8)) as? [String: Any]
        else {
            Glibc.close(fd)
            throw .invalid("the primary process at \(socket) did not answer the capture request")
        }
        guard object["ok"] as? Bool == true else {
            Glibc.close(fd)
            throw .invalid("the primary process refused the capture: \(object["error"] as? String ?? "no reason given")")
        }
    }

    deinit { Glibc.close(fd) }

    private func readLine() -> String? {
        var bytes = [UInt8]()
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == 0x0A { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }

    private func readExactly(_ buffer: UnsafeMutableRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            let n = read(fd, buffer + done, count - done)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }

    /// Receives and writes frames until `stop` becomes readable or FastPath goes away. Returns why it ended.
    public func run(until stop: Int32) -> String {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: PdumpRecord.headerSize + PacketPool.dataRoom, alignment: 16)
        defer {
            buffer.deallocate()
            for w in writers.values { w.flush() }
        }
        var stopping = false
        while true {
            var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0), pollfd(fd: stop, events: Int16(POLLIN), revents: 0)]
            // Once told to stop, frames already captured are still written: quiet for 100 ms ends it.
            guard poll(&fds, stopping ? 1 : 2, stopping ? 100 : 200) >= 0 || errno == EINTR else { return "poll failed" }
            if !stopping && fds[1].revents != 0 {
                stopping = true
                continue
            }
            if fds[0].revents == 0 {
                if stopping { return "stopped" }
                for w in writers.values { w.flush() }
                continue
            }
            guard readExactly(buffer, PdumpRecord.headerSize) else { return "the primary process closed the capture" }
            guard let header = PdumpRecord.decode(UnsafeRawBufferPointer(start: buffer, count: PdumpRecord.headerSize)) else {
                return "the capture stream is corrupt"
            }
            guard readExactly(buffer + PdumpRecord.headerSize, header.length) else { return "the primary process closed the capture" }
            if let w = writers[header.direction] {
                w.write(buffer + PdumpRecord.headerSize, length: header.length)
                written[header.direction, default: 0] += 1
            }
        }
    }
}
