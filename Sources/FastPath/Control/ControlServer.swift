import Foundation
import Glibc
import Synchronization

/// The JSON control socket (mode 0600): one JSON object per line in, one per line out.
///   {"command": "show port stats all"}  → {"ok": true, "output": "…testpmd text…"}
///   {"stats": "all"}                    → {"ok": true, "forwarding": true, "ports": [{"port": 0, "rx_packets": …}]}
///   {"pdump": {"port": 0, "rx": true, "tx": false}} → {"ok": true}, then captured frames as binary
///     records (see `PdumpRecord`) until the client disconnects.
public final class ControlServer: @unchecked Sendable {
    /// The socket path.
    public let path: String
    private let interpreter: CommandInterpreter
    private let listener: Int32
    private let onQuit: @Sendable () -> Void
    private let pdumpActive = Atomic<Bool>(false)

    /// Listens on `path` and serves connections on their own threads.
    public init(path: String, interpreter: CommandInterpreter, onQuit: @escaping @Sendable () -> Void) throws(FastPathError) {
        self.path = path
        self.interpreter = interpreter
        self.onQuit = onQuit
        let dir = (path as NSString).deletingLastPathComponent
        if !dir.isEmpty { try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700]) }
        listener = try UnixAddress(path).listen()
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops listening and removes the socket file (and its directory, when nothing else is in it).
    public func close() {
        shutdown(listener, Int32(SHUT_RDWR))
        Glibc.close(listener)
        unlink(path)
        rmdir((path as NSString).deletingLastPathComponent)
    }

    private func acceptLoop() {
        while true {
            let fd = accept(listener, nil, nil)
            if fd < 0 {
                if errno == EINTR { continue }
                return
            }
            Thread.detachNewThread { [self] in serve(fd) }
        }
    }

    private func serve(_ fd: Int32) {
        defer { Glibc.close(fd) }
        var pending = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            while let newline = pending.firstIndex(of: 0x0A) {
                let line = pending[pending.startIndex..<newline]
                pending = Data(pending[pending.index(after: newline)...])
                if !handle(Data(line), fd: fd) { return }
            }
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { return }
            pending.append(contentsOf: buffer[0..<n])
        }
    }

    /// Handles one request; false when the connection is done.
    private func handle(_ line: Data, fd: Int32) -> Bool {
        guard let request = try? JSONSerialization.jsonObject(with: line) as? [String: Any] else {
            return send(["ok": false, "error": "expected one JSON object per line, e.g. {\"command\": \"show port stats all\"}"], fd)
        }
        if let command = request["command"] as? String {
            let reply = interpreter.execute(command)
            let sent = send(["ok": reply.ok, "output": reply.output, "quit": reply.quit], fd)
            if reply.quit { onQuit() }
            return sent
        }
        if request["stats"] != nil { return send(stats(), fd) }
        if let pdump = request["pdump"] as? [String: Any] {
            return capture(pdump, fd)
        }
        return send(["ok": false, "error": "unknown request: give command, stats or pdump"], fd)
    }

    private func stats() -> [String: Any] {
        let f = interpreter.forwarder
        return f.locked {
            let ports: [[String: Any]] = f.ports.ids.map { id in
                let c = f.counters(id)
                let p = f.probes(id)
                return [
                    "port": id, "name": f.ports.port(id)!.deviceName, "link": f.ports.port(id)!.linkUp,
                    "rx_packets": c.rxPackets, "rx_bytes": c.rxBytes, "rx_missed": c.rxMissed, "rx_errors": c.rxErrors,
                    "rx_nombuf": c.rxNoBuffer, "tx_packets": c.txPackets, "tx_bytes": c.txBytes, "tx_dropped": c.txDropped,
                    "probes": ["received": p.received, "lost": p.lost, "late": p.late, "gaps": p.gaps, "longest_gap_ns": p.longestGap],
                ]
            }
            return ["ok": true, "forwarding": f.isForwarding, "mode": f.config.mode.rawValue, "ports": ports]
        }
    }

    private func capture(_ request: [String: Any], _ fd: Int32) -> Bool {
        let f = interpreter.forwarder
        let rx = request["rx"] as? Bool ?? true
        let tx = request["tx"] as? Bool ?? false
        let wanted: [Int]
        if let port = request["port"] as? Int {
            guard f.locked({ f.ports.entry(port) != nil }) else { return send(["ok": false, "error": "port \(port) does not exist"], fd) }
            wanted = [port]
        } else {
            wanted = f.locked { f.ports.ids }
        }
        guard pdumpActive.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
            return send(["ok": false, "error": "another pdump is attached"], fd)
        }
        defer {
            f.capture.clear()
            pdumpActive.store(false, ordering: .releasing)
        }
        // Capture is on before the client hears so: nothing it is told it will see goes missing.
        for port in wanted {
            f.capture.set(port: port, .rx, rx)
            f.capture.set(port: port, .tx, tx)
        }
        guard send(["ok": true, "ports": wanted], fd) else { return false }
        let batch = UnsafeMutablePointer<CaptureHub.CapturedPacket>.allocate(capacity: 256)
        defer { batch.deallocate() }
        var record = [UInt8](repeating: 0, count: PdumpRecord.headerSize + PacketPool.dataRoom)
        while true {
            let n = f.capture.drain(into: batch, max: 256)
            if n == 0 {
                // Also notices a client that went away while nothing was captured.
                var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                if poll(&p, 1, 5) > 0 { return false }
                continue
            }
            var alive = true
            for i in 0..<n {
                let c = batch[i]
                if alive {
                    let length = PdumpRecord.encode(c, into: &record)
                    alive = record.withUnsafeBytes { writeAll(fd, $0.baseAddress!, length) }
                }
                f.pool.giveOne(c.packet)
            }
            if !alive { return false }
        }
    }

    private func send(_ object: [String: Any], _ fd: Int32) -> Bool {
        guard var data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return false }
        data.append(0x0A)
        return data.withUnsafeBytes { writeAll(fd, $0.baseAddress!, data.count) }
    }

    private func writeAll(_ fd: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Bool {
        var done = 0
        while done < count {
            // A client that hung up is an EPIPE here, never a SIGPIPE that ends FastPath.
            let n = Glibc.send(fd, bytes + done, count - done, Int32(MSG_NOSIGNAL))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            done += n
        }
        return true
    }
}
