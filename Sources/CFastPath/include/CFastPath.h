#ifndef LABRUNNER_CFASTPATH_H
#define LABRUNNER_CFASTPATH_H

// Linux calls FastPath needs that Swift's Glibc module does not import: eventfd, thread affinity,
// ioctl-based interface setup (TUN/TAP, flags, MAC), AF_PACKET TPACKET_V3 rings. No _GNU_SOURCE here
// (it clashes with the Glibc module's fd_set); the bodies are in CFastPath.c.

#include <stdint.h>
#include <stddef.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>

/// eventfd(2) with EFD_NONBLOCK | EFD_CLOEXEC.
int cfp_eventfd(void);

/// Pins the calling thread to one CPU. Returns 0 or an errno value.
int cfp_pin_thread(int cpu);

/// Number of CPUs the process may run on.
int cfp_allowed_cpus(void);

/// Opens /dev/net/tun and attaches to (or creates) the TAP interface `name` (IFF_TAP | IFF_NO_PI),
/// non-blocking. Writes the kernel's interface name into `actual` (IFNAMSIZ bytes). Returns the fd or -errno.
int cfp_tap_open(const char *name, char *actual);

/// Sets an interface's MAC address (6 bytes). Returns 0 or -errno.
int cfp_if_set_mac(const char *ifname, const uint8_t *mac);

/// Reads an interface's MAC address into `mac` (6 bytes). Returns 0 or -errno.
int cfp_if_mac(const char *ifname, uint8_t *mac);

/// Sets IFF_UP (and IFF_PROMISC when `promisc`) on an interface. Returns 0 or -errno.
int cfp_if_up(const char *ifname, int promisc);

/// Whether the interface has carrier (IFF_RUNNING). Returns 1, 0 or -errno.
int cfp_if_running(const char *ifname);

/// MTU of an interface, or -errno.
int cfp_if_mtu(const char *ifname);

/// The two mapped rings of an AF_PACKET TPACKET_V3 socket.
typedef struct {
    int fd;
    uint8_t *map;          ///< rx ring then tx ring, one mapping
    size_t map_size;
    uint32_t rx_block_size, rx_block_count;
    uint32_t tx_frame_size, tx_frame_count;
} cfp_packet_rings;

/// Opens an AF_PACKET socket bound to `ifname` with a TPACKET_V3 rx ring of `rx_blocks` blocks of
/// `rx_block_size` bytes and a tx ring of `tx_frames` frames of `tx_frame_size` bytes (block-sized
/// groups), promiscuous, with PACKET_QDISC_BYPASS. Returns 0 or -errno.
int cfp_packet_open(const char *ifname, uint32_t rx_block_size, uint32_t rx_blocks,
                    uint32_t tx_frame_size, uint32_t tx_frames, cfp_packet_rings *rings);

/// Kicks the kernel to send the tx ring's ready frames (sendto with MSG_DONTWAIT). Returns 0 or -errno.
int cfp_packet_kick(int fd);

/// Reads (and so clears) a socket's pending error, e.g. ENETDOWN on a packet socket whose interface
/// went down, which otherwise keeps poll() returning at once. Returns the error or 0.
int cfp_take_socket_error(int fd);

/// Reads and resets PACKET_STATISTICS (v3): packets seen and dropped since the last call.
int cfp_packet_stats(int fd, uint32_t *packets, uint32_t *drops);

/// Unmaps the rings and closes the socket.
void cfp_packet_close(cfp_packet_rings *rings);

/// One AF_XDP ring as mapped: producer and consumer indices, the descriptors, and its size.
typedef struct {
    uint32_t *producer;
    uint32_t *consumer;
    void *descriptors;     ///< struct xdp_desc[] (rx, tx) or uint64_t[] (fill, completion)
    uint32_t size;         ///< entries, a power of two
    void *map;
    size_t map_size;
} cfp_xdp_ring;

/// An AF_XDP socket with its UMEM and four rings, and the XDP program (held by a bpf link, which
/// the kernel removes when the last descriptor closes) that redirects the queue to it.
typedef struct {
    int fd;
    int map_fd;
    int prog_fd;
    int link_fd;
    uint8_t *umem;
    size_t umem_size;
    uint32_t frame_size;
    uint32_t frame_count;
    cfp_xdp_ring rx, tx, fill, completion;
    int mode;              ///< 2 skb (generic), 4 driver (native)
} cfp_xdp_socket;

/// Opens an AF_XDP socket on `ifname` queue 0 with `frames` UMEM frames of 2048 bytes and rings of
/// `ring_size` entries, loads and attaches the redirect program (`native` 1: driver mode, 0: skb
/// mode), in copy mode with need_wakeup. Returns 0 or -errno; `stage` names the step that failed.
int cfp_xdp_open(const char *ifname, uint32_t frames, uint32_t ring_size, int native, cfp_xdp_socket *xsk, const char **stage);

/// Closes everything cfp_xdp_open made (the program detaches with its link).
void cfp_xdp_close(cfp_xdp_socket *xsk);

/// Has the kernel send what the tx ring holds (sendto), or refill rx from the fill ring (recvfrom).
void cfp_xdp_kick_tx(cfp_xdp_socket *xsk);
void cfp_xdp_kick_rx(cfp_xdp_socket *xsk);

/// Ring index accessors with the ordering the AF_XDP rings need.
static inline uint32_t cfp_ring_load_acquire(uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void cfp_ring_store_release(uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/// The bpf(2) calls of the emulated NIC's flow steering (Steering/): each returns a descriptor or 0, or -errno.
/// A map of `type` (BPF_MAP_TYPE_*) with these key and value sizes.
int cfp_bpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries, const char *name);
/// Writes or reads one element of a map.
int cfp_bpf_map_update(int map_fd, const void *key, const void *value);
int cfp_bpf_map_lookup(int map_fd, const void *key, void *value);
/// Loads an XDP program of `count` 8-byte instructions; the verifier's log goes to `log` (may be NULL).
int cfp_bpf_xdp_load(const void *insns, uint32_t count, const char *name, char *log, uint32_t log_size);
/// Attaches an XDP program to an interface through a bpf link (flags: XDP_FLAGS_SKB_MODE or _DRV_MODE).
int cfp_bpf_xdp_link(int prog_fd, int ifindex, uint32_t flags);
/// Pins an object at a bpffs path, or opens the pinned object there.
int cfp_bpf_pin(int fd, const char *path);
int cfp_bpf_pinned(const char *path);
/// Whether `path` is on a bpf filesystem (1), not (0), or -errno.
int cfp_bpf_fs(const char *path);
/// The inode of this thread's network namespace, or 0.
uint64_t cfp_netns_inode(void);

/// A raw AF_PACKET socket on `ifname` (every protocol, non-blocking, close-on-exec, promiscuous, its own
/// transmissions not looped back): the emulated SR-IOV NIC's wire to an interface. The fd or -errno.
int cfp_raw_open(const char *ifname);
/// Receives one frame from such a socket at `frame + 4` (`room` bytes in all), with the 802.1Q tag the
/// kernel took out of it (PACKET_AUXDATA) put back: the frame then starts at `frame`, else at
/// `frame + 4` (`*offset`). Its length (more than `room - 8`: truncated), or -errno.
long cfp_raw_recv(int fd, uint8_t *frame, size_t room, int *offset);

/// The vhost-net (vhost-kernel) ioctls of virtio_user's /dev/vhost-net back-end; each returns 0 (or a
/// descriptor) or -errno. `which`: 0 VHOST_SET_VRING_NUM, 1 VHOST_SET_VRING_BASE for cfp_vhost_vring;
/// 0 VHOST_SET_VRING_KICK, 1 VHOST_SET_VRING_CALL, 2 VHOST_NET_SET_BACKEND for cfp_vhost_vring_fd.
int cfp_vhost_open(const char *path);
int cfp_vhost_set_owner(int fd);
int cfp_vhost_get_features(int fd, uint64_t *features);
int cfp_vhost_set_features(int fd, uint64_t features);
/// `regions`: `count` regions of two u64 each (address, size); addresses are this process's, used as
/// guest physical and user addresses alike.
int cfp_vhost_set_mem_table(int fd, uint32_t count, const uint64_t *regions);
int cfp_vhost_vring(int fd, int which, uint32_t index, uint32_t value);
int cfp_vhost_vring_addr(int fd, uint32_t index, uint64_t desc, uint64_t used, uint64_t avail);
int cfp_vhost_vring_fd(int fd, int which, uint32_t index, int file);

/// Opens a queue of the TAP interface `name` (created if need be; "tap%d" picks the next free name)
/// for vhost-net: IFF_TAP | IFF_NO_PI | IFF_VNET_HDR (| IFF_MULTI_QUEUE), a `header`-byte virtio-net
/// header, no offloads. The interface's name goes to `actual` (16 bytes). Returns the fd or -errno.
int cfp_tap_open_vnet(const char *name, char *actual, int multiqueue, int header);

/// An epoll set (close-on-exec), or -errno.
int cfp_epoll_create(void);

/// Adds `fd` to (add != 0) or removes it from an epoll set, watching for input. Returns 0 or -errno.
int cfp_epoll_watch(int epfd, int fd, int add);

/// Takes an eventfd's pending count without ever blocking, whatever flags the other side gave the
/// descriptor (the vhost-user spec lets a front-end pass one without O_NONBLOCK): preadv2 with
/// RWF_NOWAIT, or poll() first on a kernel without it. Returns 1 when a count was taken, else 0.
int cfp_eventfd_take(int fd);

/// Adds 1 to an eventfd unless its counter is full (a write then would block until the other side
/// reads it): poll() for room first. Returns 0, or -errno (-EAGAIN when full).
int cfp_eventfd_add(int fd);

/// memfd_create(name, MFD_CLOEXEC). Returns the fd or -errno.
int cfp_memfd(const char *name);

/// memfd_create(name, MFD_CLOEXEC | MFD_HUGETLB): backed by the default-size hugepages. Returns the fd or -errno.
int cfp_memfd_huge(const char *name);

/// Receives one message of up to `len` bytes with up to `max_fds` descriptors (SCM_RIGHTS) into `fds`;
/// `*nfds` is set to how many arrived (extra ones are closed). Returns bytes read, 0 at EOF, or -errno.
long cfp_recv_with_fds(int sock, void *buf, unsigned long len, int *fds, int max_fds, int *nfds);

/// Sends `len` bytes with `nfds` descriptors attached. Returns bytes sent or -errno.
long cfp_send_with_fds(int sock, const void *buf, unsigned long len, const int *fds, int nfds);

/// Full memory barrier (the virtio rings' ordering between publishing an index and reading the
/// other side's notification flags).
static inline void cfp_fence(void) { __atomic_thread_fence(__ATOMIC_SEQ_CST); }

/// Acquire/release loads and stores of the 16-bit ring indices shared with the other side.
static inline uint16_t cfp_load_acquire_u16(const volatile uint16_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
static inline void cfp_store_release_u16(volatile uint16_t *p, uint16_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

/// Asks the CPU to start loading a cache line (ring entries and frames the other side just wrote).
static inline void cfp_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/// Sets bits in a dirty log shared with QEMU (atomic OR, byte granularity as the spec allows).
static inline void cfp_log_or_u8(volatile uint8_t *p, uint8_t bits) { __atomic_fetch_or(p, bits, __ATOMIC_RELAXED); }

/// A monotonic clock in nanoseconds (CLOCK_MONOTONIC).
uint64_t cfp_now_ns(void);

/// Release-ordered store of a 32-bit status word (ring ownership handed to the kernel).
static inline void cfp_store_release_u32(volatile uint32_t *p, uint32_t v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }
/// Acquire-ordered load of a 32-bit status word (ring ownership read from the kernel).
static inline uint32_t cfp_load_acquire_u32(volatile uint32_t *p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }

/* A 64-bit word several lcores read and write without a lock (the switch's address table). */
static inline uint64_t cfp_load_relaxed_u64(const volatile uint64_t *p) { return __atomic_load_n(p, __ATOMIC_RELAXED); }
static inline void cfp_store_relaxed_u64(volatile uint64_t *p, uint64_t v) { __atomic_store_n(p, v, __ATOMIC_RELAXED); }

/// TPACKET_V3 rx block accessors: status (acquire), packet count, offset of the first packet, and
/// handing the block back to the kernel (release).
static inline uint32_t cfp_block_status(uint8_t *block) {
    return __atomic_load_n(&((struct tpacket_block_desc *)block)->hdr.bh1.block_status, __ATOMIC_ACQUIRE);
}
static inline uint32_t cfp_block_packets(uint8_t *block) { return ((struct tpacket_block_desc *)block)->hdr.bh1.num_pkts; }
static inline uint32_t cfp_block_first(uint8_t *block) { return ((struct tpacket_block_desc *)block)->hdr.bh1.offset_to_first_pkt; }
static inline void cfp_block_release(uint8_t *block) {
    __atomic_store_n(&((struct tpacket_block_desc *)block)->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
}
/// Whether a received TPACKET_V3 frame is one the host itself sent (the socket sees those too).
static inline int cfp_frame_outgoing(uint8_t *frame) {
    struct sockaddr_ll_view { unsigned short family, protocol; int ifindex; unsigned short hatype; unsigned char pkttype; };
    struct sockaddr_ll_view *ll = (struct sockaddr_ll_view *)(frame + TPACKET_ALIGN(sizeof(struct tpacket3_hdr)));
    return ll->pkttype == PACKET_OUTGOING;
}
/// The 802.1Q tag the kernel took out of a received TPACKET_V3 frame (into its metadata): 1 and its TPID
/// and TCI, or 0 when the frame had none.
static inline int cfp_frame_vlan(uint8_t *frame, uint16_t *tpid, uint16_t *tci) {
    struct tpacket3_hdr *h = (struct tpacket3_hdr *)frame;
    if (!(h->tp_status & TP_STATUS_VLAN_VALID)) return 0;
    *tpid = (h->tp_status & TP_STATUS_VLAN_TPID_VALID) && h->hv1.tp_vlan_tpid ? h->hv1.tp_vlan_tpid : 0x8100;
    *tci = h->hv1.tp_vlan_tci;
    return 1;
}
/// TPACKET_V3 tx frame accessors: status (acquire), and handing a filled frame to the kernel (release).
static inline uint32_t cfp_frame_status(uint8_t *frame) {
    return __atomic_load_n(&((struct tpacket3_hdr *)frame)->tp_status, __ATOMIC_ACQUIRE);
}
static inline void cfp_frame_send(uint8_t *frame, uint32_t length) {
    struct tpacket3_hdr *h = (struct tpacket3_hdr *)frame;
    h->tp_len = length;
    h->tp_snaplen = length;
    h->tp_next_offset = 0;
    __atomic_store_n(&h->tp_status, TP_STATUS_SEND_REQUEST, __ATOMIC_RELEASE);
}
static inline void cfp_frame_reset(uint8_t *frame) {
    __atomic_store_n(&((struct tpacket3_hdr *)frame)->tp_status, TP_STATUS_AVAILABLE, __ATOMIC_RELEASE);
}
/// Where a tx frame's data starts (the kernel's default offset for TPACKET_V3).
static inline uint32_t cfp_tx_data_offset(void) { return TPACKET_ALIGN(sizeof(struct tpacket3_hdr)); }

#endif
