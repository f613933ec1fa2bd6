#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <linux/if_tun.h>
#include <linux/vhost.h>
#include <linux/if_packet.h>
#include <linux/if_xdp.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/mman.h>
#include <net/ethernet.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "CFastPath.h"

int cfp_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }

int cfp_pin_thread(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

int cfp_allowed_cpus(void) {
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof(set), &set) != 0) return 1;
    return CPU_COUNT(&set);
}

static int ifreq_socket(void) { return socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0); }

int cfp_tap_open(const char *name, char *actual) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    if (ioctl(fd, TUNSETIFF, &ifr) < 0) { int e = errno; close(fd); return -e; }
    memcpy(actual, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

static int with_ifreq(const char *ifname, unsigned long request, struct ifreq *ifr) {
    int s = ifreq_socket();
    if (s < 0) return -errno;
    memset(ifr, 0, sizeof(*ifr));
    strncpy(ifr->ifr_name, ifname, IFNAMSIZ - 1);
    int r = ioctl(s, request, ifr);
    int e = errno;
    close(s);
    return r < 0 ? -e : 0;
}

int cfp_if_mac(const char *ifname, uint8_t *mac) {
    struct ifreq ifr;
    int r = with_ifreq(ifname, SIOCGIFHWADDR, &ifr);
    if (r == 0) memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
    return r;
}

int cfp_if_set_mac(const char *ifname, const uint8_t *mac) {
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    ifr.ifr_hwaddr.sa_family = ARPHRD_ETHER;
    memcpy(ifr.ifr_hwaddr.sa_data, mac, 6);
    int s = ifreq_socket();
    if (s < 0) return -errno;
    int r = ioctl(s, SIOCSIFHWADDR, &ifr);
    int e = errno;
    close(s);
    return r < 0 ? -e : 0;
}

int cfp_if_up(const char *ifname, int promisc) {
    struct ifreq ifr;
    int r = with_ifreq(ifname, SIOCGIFFLAGS, &ifr);
    if (r != 0) return r;
    int s = ifreq_socket();
    if (s < 0) return -errno;
    ifr.ifr_flags |= IFF_UP;
    if (promisc) ifr.ifr_flags |= IFF_PROMISC;
    r = ioctl(s, SIOCSIFFLAGS, &ifr);
    int e = errno;
    close(s);
    return r < 0 ? -e : 0;
}

int cfp_if_running(const char *ifname) {
    struct ifreq ifr;
    int r = with_ifreq(ifname, SIOCGIFFLAGS, &ifr);
    if (r != 0) return r;
    return (ifr.ifr_flags & IFF_RUNNING) ? 1 : 0;
}

int cfp_if_mtu(const char *ifname) {
    struct ifreq ifr;
    int r = with_ifreq(ifname, SIOCGIFMTU, &ifr);
    return r != 0 ? r : ifr.ifr_mtu;
}

int cfp_packet_open(const char *ifname, uint32_t rx_block_size, uint32_t rx_blocks,
                    uint32_t tx_frame_size, uint32_t tx_frames, cfp_packet_rings *rings) {
    memset(rings, 0, sizeof(*rings));
    unsigned index = if_nametoindex(ifname);
    if (index == 0) return -errno;
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return -errno;
    int version = TPACKET_V3;
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_VERSION, &version, sizeof(version)) < 0) goto fail;
    // Frames this socket sends are not looped back to its own rx ring.
    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));
    struct tpacket_req3 rx;
    memset(&rx, 0, sizeof(rx));
    rx.tp_block_size = rx_block_size;
    rx.tp_block_nr = rx_blocks;
    rx.tp_frame_size = 2048;
    rx.tp_frame_nr = (rx_block_size / 2048) * rx_blocks;
    rx.tp_retire_blk_tov = 1; // ms: a partly filled block is handed over quickly
    if (setsockopt(fd, SOL_PACKET, PACKET_RX_RING, &rx, sizeof(rx)) < 0) goto fail;
    struct tpacket_req3 tx;
    memset(&tx, 0, sizeof(tx));
    uint32_t per_block = 4096 * 4 / tx_frame_size;
    tx.tp_block_size = 4096 * 4;
    tx.tp_block_nr = (tx_frames + per_block - 1) / per_block;
    tx.tp_frame_size = tx_frame_size;
    tx.tp_frame_nr = tx.tp_block_nr * per_block;
    if (setsockopt(fd, SOL_PACKET, PACKET_TX_RING, &tx, sizeof(tx)) < 0) goto fail;
    size_t size = (size_t)rx.tp_block_size * rx.tp_block_nr + (size_t)tx.tp_block_size * tx.tp_block_nr;
    void *map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_LOCKED | MAP_POPULATE, fd, 0);
    if (map == MAP_FAILED) map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED) goto fail;
    struct sockaddr_ll addr;
    memset(&addr, 0, sizeof(addr));
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = (int)index;
    if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) { int e = errno; munmap(map, size); close(fd); return -e; }
    struct packet_mreq mreq;
    memset(&mreq, 0, sizeof(mreq));
    mreq.mr_ifindex = (int)index;
    mreq.mr_type = PACKET_MR_PROMISC;
    setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mreq, sizeof(mreq));
    rings->fd = fd;
    rings->map = map;
    rings->map_size = size;
    rings->rx_block_size = rx.tp_block_size;
    rings->rx_block_count = rx.tp_block_nr;
    rings->tx_frame_size = tx.tp_frame_size;
    rings->tx_frame_count = tx.tp_frame_nr;
    return 0;
fail:;
    int e = errno;
    close(fd);
    return -e;
}

int cfp_packet_kick(int fd) {
    ssize_t r = sendto(fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
    return r < 0 && errno != EAGAIN && errno != ENOBUFS ? -errno : 0;
}

int cfp_take_socket_error(int fd) {
    int error = 0;
    socklen_t len = sizeof(error);
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &len);
    return error;
}

int cfp_packet_stats(int fd, uint32_t *packets, uint32_t *drops) {
    struct tpacket_stats_v3 st;
    socklen_t len = sizeof(st);
    if (getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &st, &len) < 0) return -errno;
    *packets = st.tp_packets;
    *drops = st.tp_drops;
    return 0;
}

void cfp_packet_close(cfp_packet_rings *rings) {
    if (rings->map) munmap(rings->map, rings->map_size);
    if (rings->fd > 0) close(rings->fd);
    memset(rings, 0, sizeof(*rings));
}

uint64_t cfp_now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static int bpf_call(int cmd, union bpf_attr *attr) { return (int)syscall(__NR_bpf, cmd, attr, sizeof(*attr)); }

static int map_ring(int fd, off_t pgoff, size_t desc_size, uint32_t size, struct xdp_ring_offset *off, cfp_xdp_ring *ring) {
    size_t len = off->desc + (size_t)size * desc_size;
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, pgoff);
    if (map == MAP_FAILED) return -errno;
    ring->map = map;
    ring->map_size = len;
    ring->producer = (uint32_t *)((uint8_t *)map + off->producer);
    ring->consumer = (uint32_t *)((uint8_t *)map + off->consumer);
    ring->descriptors = (uint8_t *)map + off->desc;
    ring->size = size;
    return 0;
}

int cfp_raw_open(const char *ifname) {
    unsigned int index = if_nametoindex(ifname);
    if (index == 0) return -errno;
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
    if (fd < 0) return -errno;
    int one = 1;
    struct sockaddr_ll addr;
    memset(&addr, 0, sizeof(addr));
    addr.sll_family = AF_PACKET;
    addr.sll_protocol = htons(ETH_P_ALL);
    addr.sll_ifindex = (int)index;
    struct packet_mreq promisc;
    memset(&promisc, 0, sizeof(promisc));
    promisc.mr_ifindex = (int)index;
    promisc.mr_type = PACKET_MR_PROMISC;
    if (setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof(one)) < 0 || setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof(one)) < 0
        || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0
        || setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &promisc, sizeof(promisc)) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

long cfp_raw_recv(int fd, uint8_t *frame, size_t room, int *offset) {
    union {
        struct cmsghdr header;
        char bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
    } control;
    struct iovec iov = { .iov_base = frame + 4, .iov_len = room - 4 };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = &control;
    msg.msg_controllen = sizeof(control);
    ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) return -errno;
    *offset = 4;
    if ((size_t)n > room - 8 || (msg.msg_flags & MSG_TRUNC)) return n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA || n < 12) continue;
        struct tpacket_auxdata aux;
        memcpy(&aux, CMSG_DATA(c), sizeof(aux));
        if (!(aux.tp_status & TP_STATUS_VLAN_VALID) && aux.tp_vlan_tci == 0) continue;
        uint16_t tpid = (aux.tp_status & TP_STATUS_VLAN_TPID_VALID) && aux.tp_vlan_tpid ? aux.tp_vlan_tpid : 0x8100;
        memmove(frame, frame + 4, 12);
        frame[12] = tpid >> 8;
        frame[13] = tpid & 0xff;
        frame[14] = aux.tp_vlan_tci >> 8;
        frame[15] = aux.tp_vlan_tci & 0xff;
        *offset = 0;
        return n + 4;
    }
    return n;
}

int cfp_vhost_open(const char *path) {
    int fd = open(path, O_RDWR | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

static int vhost_ioctl(int fd, unsigned long request, void *argument) { return ioctl(fd, request, argument) < 0 ? -errno : 0; }

int cfp_vhost_set_owner(int fd) { return vhost_ioctl(fd, VHOST_SET_OWNER, NULL); }
int cfp_vhost_get_features(int fd, uint64_t *features) { return vhost_ioctl(fd, VHOST_GET_FEATURES, features); }
int cfp_vhost_set_features(int fd, uint64_t features) { return vhost_ioctl(fd, VHOST_SET_FEATURES, &features); }

int cfp_vhost_set_mem_table(int fd, uint32_t count, const uint64_t *regions) {
    size_t size = sizeof(struct vhost_memory) + count * sizeof(struct vhost_memory_region);
    struct vhost_memory *memory = calloc(1, size);
    if (!memory) return -ENOMEM;
    memory->nregions = count;
    for (uint32_t i = 0; i < count; i++) {
        memory->regions[i].guest_phys_addr = regions[2 * i];
        memory->regions[i].memory_size = regions[2 * i + 1];
        memory->regions[i].userspace_addr = regions[2 * i];
    }
    int r = vhost_ioctl(fd, VHOST_SET_MEM_TABLE, memory);
    free(memory);
    return r;
}

int cfp_vhost_vring(int fd, int which, uint32_t index, uint32_t value) {
    struct vhost_vring_state state = { .index = index, .num = value };
    return vhost_ioctl(fd, which == 0 ? VHOST_SET_VRING_NUM : VHOST_SET_VRING_BASE, &state);
}

int cfp_vhost_vring_addr(int fd, uint32_t index, uint64_t desc, uint64_t used, uint64_t avail) {
    struct vhost_vring_addr addr = { .index = index, .desc_user_addr = desc, .used_user_addr = used, .avail_user_addr = avail };
    return vhost_ioctl(fd, VHOST_SET_VRING_ADDR, &addr);
}

int cfp_vhost_vring_fd(int fd, int which, uint32_t index, int file) {
    struct vhost_vring_file f = { .index = index, .fd = file };
    unsigned long request = which == 0 ? VHOST_SET_VRING_KICK : which == 1 ? VHOST_SET_VRING_CALL : VHOST_NET_SET_BACKEND;
    return vhost_ioctl(fd, request, &f);
}

int cfp_tap_open_vnet(const char *name, char *actual, int multiqueue, int header) {
    int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -errno;
    struct ifreq ifr;
    memset(&ifr, 0, sizeof(ifr));
    ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR | (multiqueue ? IFF_MULTI_QUEUE : 0);
    strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
    int e = 0;
    if (ioctl(fd, TUNSETIFF, &ifr) < 0 || ioctl(fd, TUNSETVNETHDRSZ, &header) < 0 || ioctl(fd, TUNSETOFFLOAD, 0) < 0) e = errno;
    if (e) { close(fd); return -e; }
    memcpy(actual, ifr.ifr_name, IFNAMSIZ);
    return fd;
}

int cfp_bpf_map_create(uint32_t type, uint32_t key_size, uint32_t value_size, uint32_t max_entries, const char *name) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = type;
    attr.key_size = key_size;
    attr.value_size = value_size;
    attr.max_entries = max_entries;
    strncpy(attr.map_name, name, sizeof(attr.map_name) - 1);
    int fd = bpf_call(BPF_MAP_CREATE, &attr);
    return fd < 0 ? -errno : fd;
}

static int map_element(int cmd, int map_fd, const void *key, const void *value) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = (uint32_t)map_fd;
    attr.key = (uint64_t)(uintptr_t)key;
    attr.value = (uint64_t)(uintptr_t)value;
    return bpf_call(cmd, &attr) < 0 ? -errno : 0;
}

int cfp_bpf_map_update(int map_fd, const void *key, const void *value) { return map_element(BPF_MAP_UPDATE_ELEM, map_fd, key, value); }
int cfp_bpf_map_lookup(int map_fd, const void *key, void *value) { return map_element(BPF_MAP_LOOKUP_ELEM, map_fd, key, value); }

int cfp_bpf_xdp_load(const void *insns, uint32_t count, const char *name, char *log, uint32_t log_size) {
    static const char license[] = "GPL";
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_XDP;
    attr.insns = (uint64_t)(uintptr_t)insns;
    attr.insn_cnt = count;
    attr.license = (uint64_t)(uintptr_t)license;
    strncpy(attr.prog_name, name, sizeof(attr.prog_name) - 1);
    int fd = bpf_call(BPF_PROG_LOAD, &attr);
    if (fd >= 0) return fd;
    int error = errno;
    // Only a program that failed is loaded again with the verifier's log (a log that fills up fails
    // the load by itself): the log says why.
    if (log && log_size) {
        log[0] = 0;
        attr.log_buf = (uint64_t)(uintptr_t)log;
        attr.log_size = log_size;
        attr.log_level = 1;
        int again = bpf_call(BPF_PROG_LOAD, &attr);
        if (again >= 0) close(again);
    }
    return -error;
}

int cfp_bpf_xdp_link(int prog_fd, int ifindex, uint32_t flags) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.link_create.prog_fd = (uint32_t)prog_fd;
    attr.link_create.target_ifindex = (uint32_t)ifindex;
    attr.link_create.attach_type = BPF_XDP;
    attr.link_create.flags = flags;
    int fd = bpf_call(BPF_LINK_CREATE, &attr);
    return fd < 0 ? -errno : fd;
}

int cfp_bpf_pin(int fd, const char *path) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.bpf_fd = (uint32_t)fd;
    attr.pathname = (uint64_t)(uintptr_t)path;
    return bpf_call(BPF_OBJ_PIN, &attr) < 0 ? -errno : 0;
}

int cfp_bpf_pinned(const char *path) {
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.pathname = (uint64_t)(uintptr_t)path;
    int fd = bpf_call(BPF_OBJ_GET, &attr);
    return fd < 0 ? -errno : fd;
}

int cfp_bpf_fs(const char *path) {
    struct statfs st;
    if (statfs(path, &st) < 0) return -errno;
    return st.f_type == 0xcafe4a11 ? 1 : 0;  // BPF_FS_MAGIC
}

uint64_t cfp_netns_inode(void) {
    struct stat st;
    return stat("/proc/thread-self/ns/net", &st) == 0 ? (uint64_t)st.st_ino : 0;
}

int cfp_xdp_open(const char *ifname, uint32_t frames, uint32_t ring_size, int native, cfp_xdp_socket *xsk, const char **stage) {
    memset(xsk, 0, sizeof(*xsk));
    xsk->fd = xsk->map_fd = xsk->prog_fd = xsk->link_fd = -1;
    int r;
    unsigned index = if_nametoindex(ifname);
    *stage = "interface";
    if (index == 0) return -errno;
    *stage = "socket(AF_XDP)";
    xsk->fd = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (xsk->fd < 0) return -errno;
    xsk->frame_size = 2048;
    xsk->frame_count = frames;
    xsk->umem_size = (size_t)frames * 2048;
    *stage = "UMEM mapping";
    void *umem = mmap(NULL, xsk->umem_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (umem == MAP_FAILED) { r = -errno; goto fail; }
    xsk->umem = umem;
    struct xdp_umem_reg reg;
    memset(&reg, 0, sizeof(reg));
    reg.addr = (uint64_t)(uintptr_t)umem;
    reg.len = xsk->umem_size;
    reg.chunk_size = 2048;
    *stage = "XDP_UMEM_REG";
    if (setsockopt(xsk->fd, SOL_XDP, XDP_UMEM_REG, &reg, sizeof(reg)) < 0) { r = -errno; goto fail; }
    *stage = "ring sizes";
    if (setsockopt(xsk->fd, SOL_XDP, XDP_UMEM_FILL_RING, &ring_size, sizeof(ring_size)) < 0 ||
        setsockopt(xsk->fd, SOL_XDP, XDP_UMEM_COMPLETION_RING, &ring_size, sizeof(ring_size)) < 0 ||
        setsockopt(xsk->fd, SOL_XDP, XDP_RX_RING, &ring_size, sizeof(ring_size)) < 0 ||
        setsockopt(xsk->fd, SOL_XDP, XDP_TX_RING, &ring_size, sizeof(ring_size)) < 0) { r = -errno; goto fail; }
    struct xdp_mmap_offsets off;
    socklen_t optlen = sizeof(off);
    *stage = "XDP_MMAP_OFFSETS";
    if (getsockopt(xsk->fd, SOL_XDP, XDP_MMAP_OFFSETS, &off, &optlen) < 0) { r = -errno; goto fail; }
    *stage = "ring mappings";
    if ((r = map_ring(xsk->fd, XDP_PGOFF_RX_RING, sizeof(struct xdp_desc), ring_size, &off.rx, &xsk->rx)) ||
        (r = map_ring(xsk->fd, XDP_PGOFF_TX_RING, sizeof(struct xdp_desc), ring_size, &off.tx, &xsk->tx)) ||
        (r = map_ring(xsk->fd, XDP_UMEM_PGOFF_FILL_RING, sizeof(uint64_t), ring_size, &off.fr, &xsk->fill)) ||
        (r = map_ring(xsk->fd, XDP_UMEM_PGOFF_COMPLETION_RING, sizeof(uint64_t), ring_size, &off.cr, &xsk->completion))) goto fail;
    struct sockaddr_xdp sxdp;
    memset(&sxdp, 0, sizeof(sxdp));
    sxdp.sxdp_family = AF_XDP;
    sxdp.sxdp_ifindex = index;
    sxdp.sxdp_queue_id = 0;
    sxdp.sxdp_flags = XDP_COPY | XDP_USE_NEED_WAKEUP;
    *stage = "bind";
    if (bind(xsk->fd, (struct sockaddr *)&sxdp, sizeof(sxdp)) < 0) { r = -errno; goto fail; }

    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.map_type = BPF_MAP_TYPE_XSKMAP;
    attr.key_size = 4;
    attr.value_size = 4;
    attr.max_entries = 1;
    *stage = "BPF_MAP_CREATE (XSKMAP)";
    xsk->map_fd = bpf_call(BPF_MAP_CREATE, &attr);
    if (xsk->map_fd < 0) { r = -errno; goto fail; }
    uint32_t key = 0, value = (uint32_t)xsk->fd;
    memset(&attr, 0, sizeof(attr));
    attr.map_fd = (uint32_t)xsk->map_fd;
    attr.key = (uint64_t)(uintptr_t)&key;
    attr.value = (uint64_t)(uintptr_t)&value;
    *stage = "BPF_MAP_UPDATE_ELEM";
    if (bpf_call(BPF_MAP_UPDATE_ELEM, &attr) < 0) { r = -errno; goto fail; }
    // r2 = ctx->rx_queue_index; r1 = map; r3 = XDP_PASS (action when the queue has no socket);
    // return bpf_redirect_map(r1, r2, r3)
    struct bpf_insn prog[] = {
        { .code = BPF_LDX | BPF_W | BPF_MEM, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_1, .off = 16 },
        { .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = xsk->map_fd },
        { .code = 0 },
        { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_3, .imm = XDP_PASS },
        { .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_redirect_map },
        { .code = BPF_JMP | BPF_EXIT },
    };
    static const char license[] = "GPL";
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_XDP;
    attr.insns = (uint64_t)(uintptr_t)prog;
    attr.insn_cnt = sizeof(prog) / sizeof(prog[0]);
    attr.license = (uint64_t)(uintptr_t)license;
    *stage = "BPF_PROG_LOAD (XDP redirect)";
    xsk->prog_fd = bpf_call(BPF_PROG_LOAD, &attr);
    if (xsk->prog_fd < 0) { r = -errno; goto fail; }
    xsk->mode = native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
    memset(&attr, 0, sizeof(attr));
    attr.link_create.prog_fd = (uint32_t)xsk->prog_fd;
    attr.link_create.target_ifindex = index;
    attr.link_create.attach_type = BPF_XDP;
    attr.link_create.flags = (uint32_t)xsk->mode;
    *stage = native ? "attaching the XDP program (native mode)" : "attaching the XDP program (skb mode)";
    xsk->link_fd = bpf_call(BPF_LINK_CREATE, &attr);
    if (xsk->link_fd < 0) { r = -errno; goto fail; }
    return 0;
fail:
    cfp_xdp_close(xsk);
    return r;
}

void cfp_xdp_close(cfp_xdp_socket *xsk) {
    if (xsk->link_fd >= 0) close(xsk->link_fd);
    if (xsk->prog_fd >= 0) close(xsk->prog_fd);
    if (xsk->map_fd >= 0) close(xsk->map_fd);
    cfp_xdp_ring *rings[] = { &xsk->rx, &xsk->tx, &xsk->fill, &xsk->completion };
    for (int i = 0; i < 4; i++) if (rings[i]->map) munmap(rings[i]->map, rings[i]->map_size);
    if (xsk->fd >= 0) close(xsk->fd);
    if (xsk->umem) munmap(xsk->umem, xsk->umem_size);
    memset(xsk, 0, sizeof(*xsk));
    xsk->fd = xsk->map_fd = xsk->prog_fd = xsk->link_fd = -1;
}

void cfp_xdp_kick_tx(cfp_xdp_socket *xsk) {
    // Copy mode sends only from this call.
    sendto(xsk->fd, NULL, 0, MSG_DONTWAIT, NULL, 0);
}

void cfp_xdp_kick_rx(cfp_xdp_socket *xsk) {
    recvfrom(xsk->fd, NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

int cfp_eventfd_take(int fd) {
    uint64_t value = 0;
    struct iovec io = {&value, sizeof value};
    ssize_t n = preadv2(fd, &io, 1, -1, RWF_NOWAIT);
    if (n < 0 && (errno == EOPNOTSUPP || errno == EINVAL)) {
        struct pollfd p = {fd, POLLIN, 0};
        if (poll(&p, 1, 0) != 1 || !(p.revents & POLLIN)) return 0;
        n = read(fd, &value, sizeof value);
    }
    return n == (ssize_t)sizeof value ? 1 : 0;
}

int cfp_eventfd_add(int fd) {
    struct pollfd p = {fd, POLLOUT, 0};
    int ready = poll(&p, 1, 0);
    if (ready < 0) return -errno;
    if (ready == 0 || !(p.revents & POLLOUT)) return -EAGAIN;
    uint64_t one = 1;
    return write(fd, &one, sizeof one) == (ssize_t)sizeof one ? 0 : -errno;
}

int cfp_memfd(const char *name) {
    int fd = memfd_create(name, MFD_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cfp_memfd_huge(const char *name) {
    int fd = memfd_create(name, MFD_CLOEXEC | MFD_HUGETLB);
    return fd < 0 ? -errno : fd;
}

long cfp_recv_with_fds(int sock, void *buf, unsigned long len, int *fds, int max_fds, int *nfds) {
    char control[CMSG_SPACE(sizeof(int) * 16)];
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    *nfds = 0;
    ssize_t n;
    do { n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC); } while (n < 0 && errno == EINTR);
    if (n < 0) return -errno;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
        int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
        int *received = (int *)CMSG_DATA(c);
        for (int i = 0; i < count; i++) {
            if (*nfds < max_fds) fds[(*nfds)++] = received[i];
            else close(received[i]);
        }
    }
    if (msg.msg_flags & MSG_CTRUNC) return -EMSGSIZE;
    return n;
}

long cfp_send_with_fds(int sock, const void *buf, unsigned long len, const int *fds, int nfds) {
    char control[CMSG_SPACE(sizeof(int) * 16)];
    struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
    struct msghdr msg;
    memset(&msg, 0, sizeof(msg));
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (nfds > 0) {
        if (nfds > 16) return -EINVAL;
        memset(control, 0, sizeof(control));
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
        struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
        c->cmsg_level = SOL_SOCKET;
        c->cmsg_type = SCM_RIGHTS;
        c->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
        memcpy(CMSG_DATA(c), fds, sizeof(int) * nfds);
    }
    ssize_t n;
    do { n = sendmsg(sock, &msg, MSG_NOSIGNAL); } while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

int cfp_epoll_create(void) {
    int fd = epoll_create1(EPOLL_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

int cfp_epoll_watch(int epfd, int fd, int add) {
    struct epoll_event event;
    memset(&event, 0, sizeof(event));
    event.events = EPOLLIN;
    event.data.fd = fd;
    return epoll_ctl(epfd, add ? EPOLL_CTL_ADD : EPOLL_CTL_DEL, fd, &event) < 0 ? -errno : 0;
}
