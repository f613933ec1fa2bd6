/// One split virtqueue as the back-end sees it: its size, the three rings translated into this
/// process, the indices it has reached, its eventfds, and whether it runs. The data path reads it
/// only while the port is ready; the message thread changes it only while the port is not.
public struct VirtQueue {
    /// Descriptors in the ring (a power of two, at most 32768).
    public var size = 0
    /// Descriptor table.
    public var descriptors: UnsafeMutableRawPointer?
    /// Available ring (flags, idx, ring[size], used_event).
    public var available: UnsafeMutableRawPointer?
    /// Used ring (flags, idx, ring[size] of {id, len}, avail_event).
    public var used: UnsafeMutableRawPointer?
    /// Guest physical address of the used ring, for the dirty log.
    public var usedGuestPhysical: UInt64 = 0
    /// The front-end's addresses, kept until the memory table can translate them.
    public var address: VringAddress?
    /// Next available entry to take.
    public var lastAvailable: UInt16 = 0
    /// Next used entry to fill.
    public var usedIndex: UInt16 = 0
    /// The used index the front-end last saw published (where VIRTIO_RING_F_EVENT_IDX measures from),
    /// once this queue published anything since it (re)started: until then the next publish always
    /// signals, since a call the front-end waited for may have been lost (a migration, a reconnect).
    public var publishedIndex: UInt16?
    /// VIRTIO_RING_F_EVENT_IDX: notifications go by used_event/avail_event instead of the flags.
    public var eventIndex = false
    /// Kick eventfd (the front-end signals new buffers), or -1.
    public var kick: Int32 = -1
    /// Call eventfd (the back-end signals used buffers), or -1.
    public var call: Int32 = -1
    /// SET_VRING_ENABLE state.
    public var enabled = false
    /// Started by SET_VRING_KICK, stopped by GET_VRING_BASE.
    public var started = false
    /// The front-end broke the ring's rules (an index out of range, a loop): the queue is dead until reset.
    public var broken = false

    /// Creates an unconfigured queue.
    public init() {}

    /// Whether the data path may use it.
    public var usable: Bool { started && enabled && !broken && descriptors != nil && available != nil && used != nil }

    /// Drops the translated rings (the queue is unusable until `translate` succeeds).
    public mutating func forgetRings() { (descriptors, available, used) = (nil, nil, nil) }

    /// Translates the ring addresses through `memory` for the queue's size; throws when a ring does not
    /// fit in it, leaving the queue unusable.
    public mutating func translate(_ memory: GuestMemory) throws(VhostError) {
        guard let a = address else { return }
        forgetRings()
        guard size > 0 else { throw .outOfOrder("queue \(a.index): addresses before SET_VRING_NUM") }
        guard let d = memory.pointer(user: a.descriptors, length: 16 * size),
            let av = memory.pointer(user: a.available, length: 6 + 2 * size),
            let u = memory.pointer(user: a.used, length: 6 + 8 * size)
        else {
            throw .badAddress("queue \(a.index): a ring of \(size) entries is not inside the memory table")
        }
        descriptors = d
        available = av
        used = u
        usedGuestPhysical = a.flags & 1 != 0 ? a.log : (memory.guestPhysical(user: a.used) ?? 0)
    }
}
