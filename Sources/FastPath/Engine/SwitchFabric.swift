/// What a vhost-switch stream sends to: every forwarding port's queue (position 0 is the uplink),
/// the address table all the forwarder's lcores share, and the position of the stream's own port.
/// Its memory belongs to the lcore that runs the stream.
struct SwitchFabric {
    let handles: UnsafeMutablePointer<PortHandle>
    let ids: UnsafeMutablePointer<Int>
    let count: Int
    /// The stream's receive port's position.
    let position: Int
    unowned(unsafe) let table: MACTable
    /// Per port position, the frames of the burst going there (`laneCapacity` each).
    let lanes: UnsafeMutablePointer<PacketRef>
    let laneCounts: UnsafeMutablePointer<Int>
    /// Per port position, the bytes of the frames in its lane.
    let laneBytes: UnsafeMutablePointer<Int>

    /// Frames one lane holds: a whole burst.
    static let laneCapacity = 512

    init(ports: [(handle: PortHandle, id: Int)], position: Int, table: MACTable) {
        count = ports.count
        handles = .allocate(capacity: count)
        handles.initialize(from: ports.map(\.handle), count: count)
        ids = .allocate(capacity: count)
        ids.initialize(from: ports.map(\.id), count: count)
        lanes = .allocate(capacity: count * Self.laneCapacity)
        laneCounts = .allocate(capacity: count)
        laneCounts.initialize(repeating: 0, count: count)
        laneBytes = .allocate(capacity: count)
        laneBytes.initialize(repeating: 0, count: count)
        self.position = position
        self.table = table
    }

    func deallocate() {
        handles.deinitialize(count: count)
        handles.deallocate()
        ids.deallocate()
        lanes.deallocate()
        laneCounts.deallocate()
        laneBytes.deallocate()
    }

    /// The frames queued for port position `p`.
    @inline(__always) func lane(_ p: Int) -> UnsafeMutablePointer<PacketRef> { lanes + p * Self.laneCapacity }

    /// Queues `frame` for port position `p`.
    @inline(__always) func append(_ frame: PacketRef, to p: Int) {
        lane(p)[laneCounts[p]] = frame
        laneCounts[p] += 1
        laneBytes[p] &+= frame.length
    }

    /// Empties position `p`'s lane: its frame count and bytes, for sending.
    @inline(__always) func drain(_ p: Int) -> (count: Int, bytes: Int) {
        defer {
            laneCounts[p] = 0
            laneBytes[p] = 0
        }
        return (laneCounts[p], laneBytes[p])
    }
}
