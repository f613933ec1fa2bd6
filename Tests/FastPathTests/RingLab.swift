import Foundation

@testable import FastPath

/// An in-process lab: a forwarder whose ports are ring ports, each crossed with an outside ring port
/// the test sends into and receives from, like cables to a traffic generator.
final class RingLab: @unchecked Sendable {
    let forwarder: Forwarder
    let interpreter: CommandInterpreter
    /// The test's end of each forwarder port's cable, by port id.
    var outside: [RingPort] = []
    private var cache: PoolCache

    init(ports: Int, mode: ForwardMode = .io, pool: PacketPool? = nil) throws {
        var config = ForwardingConfig()
        config.mode = mode
        config.forwardingCPUs = [1]
        forwarder = Forwarder(pool: try pool ?? PacketPool(count: 4096), config: config)
        interpreter = CommandInterpreter(forwarder: forwarder)
        cache = PoolCache(pool: forwarder.pool)
        for i in 0..<ports {
            let inside = try RingPort(deviceName: "net_ring\(i)", devargs: "")
            let cable = try RingPort(deviceName: "cable\(i)", devargs: "", capacity: 8192)
            inside.connect(to: cable)
            try cable.start()
            try forwarder.attach(inside)
            outside.append(cable)
        }
    }

    deinit { if forwarder.isForwarding { forwarder.stop() } }

    /// Runs a prompt command; fails the caller when it fails.
    @discardableResult
    func command(_ line: String) throws -> String {
        let reply = interpreter.execute(line)
        guard reply.ok else { throw FastPathError.invalid("\(line): \(reply.output)") }
        return reply.output
    }

    /// Sends frames into forwarder port `port`.
    func send(_ frames: [[UInt8]], to port: Int) {
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: frames.count)
        defer { burst.deallocate() }
        for (i, f) in frames.enumerated() {
            let p = forwarder.pool.takeOne()!
            f.withUnsafeBytes { p.data.copyMemory(from: $0.baseAddress!, byteCount: f.count) }
            p.length = f.count
            burst[i] = p
        }
        var sent = 0
        while sent < frames.count {
            sent += outside[port].transmit(burst + sent, count: frames.count - sent, cache: &cache)
            if sent < frames.count { usleep(100) }
        }
    }

    /// Waits until `count` frames left forwarder port `port` (or `timeout` passes) and returns them.
    func receive(from port: Int, count: Int, timeout: Double = 10) -> [[UInt8]] {
        let deadline = Date().addingTimeInterval(timeout)
        while outside[port].inbound.count < count && Date() < deadline { usleep(200) }
        return drain(port)
    }

    /// Every frame waiting on port `port`'s cable.
    func drain(_ port: Int) -> [[UInt8]] {
        let burst = UnsafeMutablePointer<PacketRef>.allocate(capacity: 256)
        defer { burst.deallocate() }
        var out = [[UInt8]]()
        while true {
            let n = outside[port].receive(burst, max: 256, cache: &cache)
            if n == 0 { return out }
            for i in 0..<n {
                out.append(Array(UnsafeRawBufferPointer(start: burst[i].data, count: burst[i].length)))
                forwarder.pool.giveOne(burst[i])
            }
        }
    }

    /// A 64-byte UDP frame from `source` to `destination` with `marker` in its payload.
    static func frame(destination: EtherAddress, source: EtherAddress, marker: UInt8) -> [UInt8] {
        var f = Probe.template(length: 64, source: source, destination: destination)
        f[Probe.payloadOffset] = 0xEE  // not a probe
        f[63] = marker
        return f
    }
}
