/// The ports by id, in the order they were created (as testpmd numbers them), with their state and
/// the counters kept across forwarding runs.
public final class PortTable: @unchecked Sendable {
    /// Most ports one FastPath has.
    public static let capacity = 32
    /// Most queue pairs a device may have.
    public static let maxQueues = 8

    /// A port's entry.
    public struct Entry {
        /// The device.
        public var port: any Port
        /// Started (`port start`) or stopped.
        public var started: Bool
        /// Promiscuous mode as set by the user.
        public var promiscuous = true
        /// Extra MAC addresses (`mac_addr add`).
        public var extraAddresses: [EtherAddress] = []
        /// Those a VF port asked its PF for (`mac_addr add port P vf V`), through the NIC's mailbox.
        public var vfAddresses: [EtherAddress] = []
        /// The bonded device this port is a slave of.
        public var bondedTo: Int?
    }

    private var entries: [Entry?] = []

    /// Creates an empty table.
    public init() {}

    /// Adds a port; returns its id.
    public func add(_ port: any Port) throws(FastPathError) -> Int {
        if let free = entries.firstIndex(where: { $0 == nil }) {
            entries[free] = Entry(port: port, started: false)
            return free
        }
        guard entries.count < Self.capacity else { throw .invalid("too many ports (at most \(Self.capacity))") }
        entries.append(Entry(port: port, started: false))
        return entries.count - 1
    }

    /// The port with id `id`.
    public func port(_ id: Int) -> (any Port)? { entry(id)?.port }

    /// The entry of `id`.
    public func entry(_ id: Int) -> Entry? { id >= 0 && id < entries.count ? entries[id] : nil }

    /// Updates the entry of `id`.
    public func update(_ id: Int, _ change: (inout Entry) -> Void) {
        guard id >= 0 && id < entries.count, entries[id] != nil else { return }
        change(&entries[id]!)
    }

    /// Removes the port `id` (its id becomes free for the next attach).
    public func remove(_ id: Int) {
        guard id >= 0 && id < entries.count else { return }
        entries[id] = nil
    }

    /// Every port id in use.
    public var ids: [Int] { entries.indices.filter { entries[$0] != nil } }

    /// The id of the port named `deviceName`.
    public func id(named deviceName: String) -> Int? {
        entries.firstIndex { $0?.port.deviceName == deviceName }
    }
}
