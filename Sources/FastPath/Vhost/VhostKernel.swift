import CFastPath
import Glibc

/// virtio_user's vhost-kernel back-end (`path=/dev/vhost-net`, DPDK's name for it): the kernel's
/// vhost-net serves the rings, and a TAP interface is its other side, so what FastPath transmits
/// enters the kernel's stack on the tap and what the kernel sends out of the tap reaches FastPath —
/// the exception path. Each queue pair is one vhost-net instance (its virtqueues 0 and 1) with one
/// queue of a multi-queue tap as its back-end. The rings and buffers stay in FastPath's memory: the
/// memory table maps them at their own addresses.
struct VhostKernel {
    /// The TAP interface (`tap0` unless `iface=` names it).
    let interface: String
    private var devices: [Int32] = []
    private var taps: [Int32] = []

    /// Whether `path` is a character device (vhost-net), not a vhost-user socket.
    static func isDevice(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR
    }

    /// Opens one vhost-net instance per queue pair on `path` and the tap queues named `tap`; sets
    /// owner and negotiates VERSION_1 alone, with the 12-byte virtio-net header carried by the tap.
    /// Bit 27, ANY_LAYOUT to virtio, is VHOST_NET_F_VIRTIO_NET_HDR to vhost-net: it would make
    /// vhost-net strip and supply the header itself, and every frame from a vnet-header tap would
    /// then be discarded as the wrong length.
    init(path: String, tap: String, queuePairs: Int) throws(VhostError) {
        var name = [CChar](repeating: 0, count: 16)
        var devices: [Int32] = [], taps: [Int32] = []
        func fail(_ what: String, _ code: Int32) -> VhostError {
            for fd in devices + taps { Glibc.close(fd) }
            return .outOfOrder("\(what): \(String(cString: strerror(code)))")
        }
        for pair in 0..<queuePairs {
            // Later queues attach to the interface the first one made.
            let t = cfp_tap_open_vnet(pair == 0 ? tap : Self.text(name), &name, queuePairs > 1 ? 1 : 0, 12)
            guard t >= 0 else { throw fail("the TAP interface \(tap) for vhost-net", -t) }
            taps.append(t)
            let d = cfp_vhost_open(path)
            guard d >= 0 else { throw fail("opening \(path)", -d) }
            devices.append(d)
            let o = cfp_vhost_set_owner(d)
            guard o == 0 else { throw fail("VHOST_SET_OWNER", -o) }
            var offered: UInt64 = 0
            let r = cfp_vhost_get_features(d, &offered)
            guard r == 0 else { throw fail("VHOST_GET_FEATURES", -r) }
            guard offered & VhostFeatures.version1 != 0 else { throw fail("vhost-net without VIRTIO_F_VERSION_1", EINVAL) }
            let s = cfp_vhost_set_features(d, VhostFeatures.version1)
            guard s == 0 else { throw fail("VHOST_SET_FEATURES", -s) }
        }
        interface = Self.text(name)
        self.devices = devices
        self.taps = taps
    }

    /// A NUL-terminated interface name.
    private static func text(_ name: [CChar]) -> String { String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) }

    /// Gives every instance the memory regions (address, size) and pair `p`'s two rings: `layout(q)`
    /// is virtqueue q's descriptor table, used and available rings; `kicks[q]`/`calls[q]` its eventfds.
    func configure(
        regions: [(UInt64, UInt64)], ringSize: Int, layout: (Int) -> (UInt64, UInt64, UInt64), kicks: [Int32], calls: [Int32]
    ) throws(VhostError) {
        let table = regions.flatMap { [$0.0, $0.1] }
        for (pair, device) in devices.enumerated() {
            func check(_ r: Int32, _ what: String) throws(VhostError) {
                guard r == 0 else { throw .outOfOrder("\(what) (queue pair \(pair)): \(String(cString: strerror(-r)))") }
            }
            try check(cfp_vhost_set_mem_table(device, UInt32(regions.count), table), "VHOST_SET_MEM_TABLE")
            for local in 0..<2 {
                let q = 2 * pair + local
                let (desc, used, avail) = layout(q)
                try check(cfp_vhost_vring(device, 0, UInt32(local), UInt32(ringSize)), "VHOST_SET_VRING_NUM")
                try check(cfp_vhost_vring(device, 1, UInt32(local), 0), "VHOST_SET_VRING_BASE")
                try check(cfp_vhost_vring_addr(device, UInt32(local), desc, used, avail), "VHOST_SET_VRING_ADDR")
                try check(cfp_vhost_vring_fd(device, 0, UInt32(local), kicks[q]), "VHOST_SET_VRING_KICK")
                try check(cfp_vhost_vring_fd(device, 1, UInt32(local), calls[q]), "VHOST_SET_VRING_CALL")
                try check(cfp_vhost_vring_fd(device, 2, UInt32(local), taps[pair]), "VHOST_NET_SET_BACKEND")
            }
        }
    }

    /// Detaches the tap and closes everything (the tap interface goes with its last queue).
    func close() {
        for device in devices {
            for local in 0..<2 { _ = cfp_vhost_vring_fd(device, 2, UInt32(local), -1) }
            Glibc.close(device)
        }
        for tap in taps { Glibc.close(tap) }
    }
}
