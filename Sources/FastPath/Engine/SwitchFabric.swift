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
        self.position = position
        self.table = table
    }

    func deallocate() {
        handles.deinitialize(count: count)
        handles.deallocate()
        ids.deallocate()
        lanes.deallocate()
        laneCounts.deallocate()
    }

    /// The frames queued for port position `p`.
    @inline(__always) func lane(_ p: Int) -> UnsafeMutablePointer<PacketRef> { lanes + p * Self.laneCapacity }
}
