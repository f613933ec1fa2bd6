#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <linux/if_tun.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
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
