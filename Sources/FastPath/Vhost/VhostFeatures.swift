/// Feature bits of virtio-net and vhost-user that FastPath negotiates.
public enum VhostFeatures {
    /// VIRTIO_NET_F_MRG_RXBUF: rx packets may span several buffers; the header counts them.
    public static let mergeableRxBuffers: UInt64 = 1 << 15
    /// VIRTIO_NET_F_STATUS: link status in the config space.
    public static let status: UInt64 = 1 << 16
    /// VIRTIO_NET_F_GUEST_ANNOUNCE: the guest announces itself after migration.
    public static let guestAnnounce: UInt64 = 1 << 21
    /// VIRTIO_NET_F_MQ: more than one queue pair.
    public static let multiqueue: UInt64 = 1 << 22
    /// VHOST_F_LOG_ALL: log every write to guest memory (live migration).
    public static let logAll: UInt64 = 1 << 26
    /// VIRTIO_F_ANY_LAYOUT: header and data may share a descriptor.
    public static let anyLayout: UInt64 = 1 << 27
    /// VIRTIO_RING_F_INDIRECT_DESC: descriptor chains in indirect tables.
    public static let indirectDescriptors: UInt64 = 1 << 28
    /// VIRTIO_RING_F_EVENT_IDX: notifications suppressed by ring indices (used_event, avail_event).
    public static let eventIndex: UInt64 = 1 << 29
    /// VHOST_USER_F_PROTOCOL_FEATURES: the protocol feature negotiation exists.
    public static let protocolFeatures: UInt64 = 1 << 30
    /// VIRTIO_F_VERSION_1: virtio 1.0 (12-byte header, little-endian).
    public static let version1: UInt64 = 1 << 32
    /// VIRTIO_F_IN_ORDER: buffers are used in the order they were made available (FastPath always
    /// completes them so), which lets the front-end reclaim them in bulk.
    public static let inOrder: UInt64 = 1 << 35

    /// The names of the feature bits FastPath knows in `features`, lowest bit first.
    public static func names(_ features: UInt64) -> [String] {
        let known: [(UInt64, String)] = [
            (mergeableRxBuffers, "MRG_RXBUF"), (status, "STATUS"), (guestAnnounce, "GUEST_ANNOUNCE"), (multiqueue, "MQ"),
            (logAll, "LOG_ALL"), (anyLayout, "ANY_LAYOUT"), (indirectDescriptors, "INDIRECT_DESC"), (eventIndex, "EVENT_IDX"),
            (protocolFeatures, "PROTOCOL_FEATURES"), (version1, "VERSION_1"), (inOrder, "IN_ORDER"),
        ]
        return known.filter { features & $0.0 != 0 }.map(\.1)
    }

    /// What the back-end offers. Not GUEST_ANNOUNCE: without it QEMU asks the back-end to announce a
    /// migrated guest (SEND_RARP) as the destination starts, and the switch learns where the guest now
    /// is from that RARP, not from an announcement the guest sends when it gets round to it (a TCG
    /// guest's came 130-165 ms after it resumed, and the outage lasted until then).
    public static let backend: UInt64 =
        mergeableRxBuffers | status | logAll | anyLayout | indirectDescriptors
        | eventIndex | protocolFeatures | version1 | inOrder

    /// VHOST_USER_PROTOCOL_F_MQ: the back-end tells how many queues it has (GET_QUEUE_NUM).
    public static let protocolMultiqueue: UInt64 = 1 << 0
    /// VHOST_USER_PROTOCOL_F_LOG_SHMFD: the dirty log is shared memory passed by fd.
    public static let protocolLogSHMFD: UInt64 = 1 << 1
    /// VHOST_USER_PROTOCOL_F_RARP: the back-end announces a migrated guest.
    public static let protocolRARP: UInt64 = 1 << 2
    /// VHOST_USER_PROTOCOL_F_REPLY_ACK: the front-end may ask for an ack of any request.
    public static let protocolReplyAck: UInt64 = 1 << 3
    /// VHOST_USER_PROTOCOL_F_MTU.
    public static let protocolMTU: UInt64 = 1 << 4

    /// Protocol features the back-end offers.
    public static let backendProtocol: UInt64 = protocolMultiqueue | protocolLogSHMFD | protocolRARP | protocolReplyAck | protocolMTU
}
