import Foundation
import Testing

/// FastPath's virtio_user with the vhost-kernel back-end (`path=/dev/vhost-net`), for real: this
/// machine's kernel has no vhost-net, so it runs in a TCG guest whose kernel loads vhost_net and tun.
@Suite(.serialized)
struct VhostKernelTests {
    /// FastPath in icmpecho mode on its one virtio_user port: the guest kernel pings an address on
    /// tap0, vhost-net hands the ARP request and the echo requests to FastPath's rings, FastPath
    /// answers them, and the kernel's ping counts the replies — each direction through vhost-net. Then
    /// the same with `queues=2`: the tap has two queues, one per vhost-net instance.
    @Test func virtioUserOnVhostNetExchangesPacketsWithTheGuestKernelsTap() throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/fastpath.img"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: vhost-kernel
            title: virtio_user on the guest kernel's vhost-net
            params:
              pings: {type: int, default: 20}
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 512MiB, vcpus: 2}
              # Placed in vm1, so the guest gets FastPath's disk; the steps start it by hand at the console.
              guest_fastpath:
                kind: forwarder
                on: vm1
                lcores: 0-1
                vdevs: ["virtio_user0,path=/dev/vhost-net"]
                args: --forward-mode=icmpecho
            sessions:
              console: {on: vm1, console: serial}
            steps:
              - {id: boot, vm: {start: vm1}}
              - id: vhost-net
                on: console
                send: ls -l /dev/vhost-net
                expect: {regex: '^c.* /dev/vhost-net'}
                timeout: 120s
            \(exchange(queues: 1))
            \(exchange(queues: 2))
            always:
              - {id: halt, vm: {stop: vm1}}
            """)
        let result = lab.runBootingGuests(file)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        #expect(result.stdout.contains("PASS stop2"), "\(result.stdout)")
        #expect(lab.leftoverProcesses().isEmpty)
    }

    /// Steps that start FastPath on a `queues`-pair vhost-net port in the guest, ping through it and stop it.
    private func exchange(queues: Int) -> String {
        """
          - id: fastpath\(queues)
            on: console
            send: >-
              labrunner fastpath -l 0-1 --no-huge --vdev virtio_user0,path=/dev/vhost-net,queues=\(queues) --
              --forward-mode=icmpecho --rxq=\(queues) --txq=\(queues) --enable-lro --auto-start < /dev/null > /tmp/fp.log 2>&1 & fp=$!;
              for i in $(seq 100); do grep -q "^Done" /tmp/fp.log && break; sleep 0.2; done; cat /tmp/fp.log
            expect: {contains: "Port 0: "}
            timeout: 60s
          - id: tap\(queues)
            doc: One tap queue per vhost-net instance (queue pair)
            on: console
            send: ip addr add 203.0.113.1/24 dev tap0 && ip link set tap0 up && echo "tap queues=$(ls /sys/class/net/tap0/queues | grep -c rx-)"
            capture:
              tap_queues\(queues): 'tap queues=(\\d+)'
            expect:
              that:
                - {value: tap_queues\(queues), eq: "\(queues)"}
          - id: ping\(queues)
            doc: The kernel resolves 203.0.113.2 (FastPath answers the ARP request) and pings it
            on: console
            send: ping -c ${pings} -i 0.1 -W 2 203.0.113.2 | tail -2
            capture:
              received\(queues): '(\\d+) packets received'
            expect:
              that:
                - {value: received\(queues), ge: 19, doc: every echo answered but one at most}
            timeout: 60s
          - id: stop\(queues)
            on: console
            send: kill -INT $fp; wait $fp; cat /tmp/fp.log
            expect:
              regex: 'Forward statistics for port 0\\s+-+\\s+RX-packets: (2\\d|[3-9]\\d|\\d{3,})\\s+RX-dropped: \\d+\\s+RX-total: \\d+\\s+TX-packets: (2\\d|[3-9]\\d|\\d{3,})'
        """
    }
}
