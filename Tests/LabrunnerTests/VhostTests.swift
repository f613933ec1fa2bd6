import Foundation
import Testing

@testable import LabrunnerKit

/// FastPath's vhost-user back-end with peers nobody here wrote: QEMU's virtio-net in a TCG guest, and
/// dpdk-testpmd's virtio_user.
@Suite(.serialized) struct VhostTests {
    /// A scenario's start: FastPath with a macswap forwarder on a vhost-user port of `queues` pairs, and a
    /// TCG guest (one vCPU per queue pair) on it, booted; its serial console is the session `console`.
    private static func guestOnFastPath(name: String, title: String, queues: Int) -> String {
        let multiqueue = queues > 1
        return """
            name: \(name)
            title: \(title)
            roles:
              h1: {kind: host}
              fwd:
                kind: forwarder
                on: h1
                lcores: 0-\(queues)
                vdevs: ["net_vhost0,iface=${h1.workdir}/vhost0.sock\(multiqueue ? ",queues=\(queues)" : "")"]
                args: -i --port-topology=loop --forward-mode=macswap\(multiqueue ? " --rxq=\(queues) --txq=\(queues) --nb-cores=\(queues)" : "")
              vm1:
                kind: vm
                host: h1
                memory: \(multiqueue ? 256 : 192)MiB
                backing: {type: memfd, share: true}
                vcpus: \(queues)
                nics:
                  - {id: net0, type: vhost-user, socket: "${h1.workdir}/vhost0.sock", mac: "52:54:00:12:34:56"\(multiqueue ? ", queues: \(queues)" : "")}
            sessions:
              t1: {on: h1}
              console: {on: vm1, console: serial}
            steps:
              - {id: fp, on: t1, fastpath: {start: fwd}}
              - {id: go, on: fwd, fastpath: start}
              - {id: boot, vm: {start: vm1}}

            """
    }

    @Test func tcgGuestTrafficReachesFastPathAndComesBack() throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/vmlinux"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd"])
        defer { lab.tearDown() }
        let file = try lab.scenario(
            Self.guestOnFastPath(name: "guest-vhost", title: "A TCG guest's virtio-net on FastPath's vhost-user port, both ways", queues: 1) + """
                  - id: ping
                    on: console
                    send: "ip link set eth0 up && ip addr add 198.51.100.10/24 dev eth0 && arp -i eth0 -s 198.51.100.20 02:00:00:00:00:20 && ping -c 5 -W 1 198.51.100.20 >/dev/null; echo tx $(cat /sys/class/net/eth0/statistics/tx_packets) rx $(cat /sys/class/net/eth0/statistics/rx_packets)"
                    timeout: 120s
                    capture:
                      guest_tx: 'tx (\\d+)'
                      guest_rx: 'rx (\\d+)'
                    expect:
                      that:
                        - {value: guest_tx, ge: 5}
                  - id: stats
                    on: fwd
                    fastpath: show port stats 0
                    capture:
                      s: {parse: port-stats}
                    expect:
                      that:
                        # Every frame the guest had sent reached FastPath (its kernel may have sent more since),
                        # FastPath swapped and returned each one, and the guest received them.
                        - {value: s.0.rx_packets, ge: "${guest_tx}"}
                        - {value: s.0.tx_packets, eq: "${s.0.rx_packets}"}
                        - {value: guest_rx, ge: 5}
                  # QEMU's virtio-net negotiated notification suppression by ring indices with FastPath.
                  - {id: features, on: fwd, fastpath: show port info 0, expect: {regex: "Negotiated features: .*EVENT_IDX.*VERSION_1"}}
                always:
                  - {id: quit, on: fwd, fastpath: quit}
                """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }

    /// QEMU's virtio-net with two queue pairs on FastPath's `queues=2` back-end: the two-vCPU guest sends
    /// from each CPU, so each transmit queue carries traffic, and FastPath's two lcores answer on each.
    @Test func tcgGuestWithTwoQueuePairsUsesBoth() throws {
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd"])
        defer { lab.tearDown() }
        let file = try lab.scenario(
            Self.guestOnFastPath(name: "guest-vhost-mq", title: "A two-vCPU TCG guest's virtio-net with two queue pairs on FastPath", queues: 2) + """
                  - id: ping
                    on: console
                    send: "ip link set eth0 up && ip addr add 198.51.100.10/24 dev eth0 && arp -s 198.51.100.20 02:00:00:00:00:01 && (taskset -c 0 ping -c 5 -W 1 198.51.100.20 >/dev/null & taskset -c 1 ping -c 5 -W 1 198.51.100.20 >/dev/null; wait); ls /sys/class/net/eth0/queues | tr '\\n' ' '; echo"
                    timeout: 120s
                    expect: {contains: "rx-0 rx-1 tx-0 tx-1"}
                  - {id: features, on: fwd, fastpath: show port info 0, expect: {regex: "Negotiated features: .*MQ"}}
                  - id: stop
                    on: fwd
                    fastpath: stop
                    capture:
                      q0: 'Queue= 0 -> TX Port= 0/Queue= 0 -------\\s+RX-packets: (\\d+)'
                      q1: 'Queue= 1 -> TX Port= 0/Queue= 1 -------\\s+RX-packets: (\\d+)'
                    expect:
                      that:
                        - {value: q0, ge: 5}
                        - {value: q1, ge: 5}
                always:
                  - {id: quit, on: fwd, fastpath: quit}
                """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }

    @Test func dpdkVirtioUserTransmitsIntoFastPath() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let socket = lab.directory.appendingPathComponent("vhost.sock").path
            let fp = try await lab.fastpath(
                "vhost", ["-l", "0-1", "--vdev", "net_vhost0,iface=\(socket)", "--", "-i", "--forward-mode=rxonly", "--port-topology=loop"])
            try await fp.command("start")
            let testpmd = try await lab.prompt(
                "testpmd",
                [
                    "dpdk-testpmd", "--lcores", "0@0,1@0", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", lab.namespace,
                    "--vdev", "net_virtio_user0,path=\(socket)", "--", "-i", "--forward-mode=txonly",
                    "--port-topology=loop", "--total-num-mbufs=16384", "--txpkts=64",
                ])
            try await testpmd.command("start")
            try await Task.sleep(for: .milliseconds(500))
            try await testpmd.command("stop")
            let sent = try await testpmd.stats(0)["0.tx_packets"]
            try await Task.sleep(for: .milliseconds(200))
            try await fp.command("stop")
            let received = try await fp.stats(0)
            #expect(Int(sent ?? "") ?? 0 > 10_000)
            #expect(received["0.rx_packets"] == sent)
            #expect(received["0.rx_bytes"] == "\((Int(sent ?? "") ?? 0) * 64)")
            await testpmd.quit()
            // The front-end left: FastPath is still there, and its link is down.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try PortInfoParser().parse(try await fp.command("show port info 0"))["0.link"] == "down")
        }
    }

    @Test func dpdkVirtioUserWithTwoQueuePairsFeedsTwoFastPathLcores() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let socket = lab.directory.appendingPathComponent("mq.sock").path
            let fp = try await lab.fastpath(
                "vhost-mq",
                [
                    "-l", "0-2", "--vdev", "net_vhost0,iface=\(socket),queues=2", "--", "-i", "--forward-mode=rxonly",
                    "--port-topology=loop", "--rxq=2", "--txq=2", "--nb-cores=2",
                ])
            let config = try await fp.command("show config fwd")
            #expect(config.contains("RX P=0/Q=1 (socket 0) -> TX P=0/Q=1"), "\(config)")
            try await fp.command("start")
            let testpmd = try await lab.prompt(
                "testpmd",
                [
                    "dpdk-testpmd", "--lcores", "0@0,1@0,2@0", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", lab.namespace,
                    "--vdev", "net_virtio_user0,path=\(socket),queues=2", "--", "-i", "--forward-mode=txonly",
                    "--port-topology=loop", "--total-num-mbufs=16384", "--rxq=2", "--txq=2", "--nb-cores=2",
                ])
            try await testpmd.command("start")
            try await Task.sleep(for: .milliseconds(500))
            let sentReport = try await testpmd.command("stop")
            try await Task.sleep(for: .milliseconds(200))
            let receivedReport = try await fp.command("stop")
            // Per queue, what testpmd's stream sent is what FastPath's stream of that queue received.
            let sent = Self.perQueue(sentReport, "tx"), received = Self.perQueue(receivedReport, "rx")
            #expect(sent.keys.sorted() == [0, 1] && sent.values.allSatisfy { $0 > 10_000 }, "\(sentReport)")
            #expect(received == sent, "\(receivedReport)")
            let info = try PortInfoParser().parse(try await fp.command("show port info 0"))
            #expect(info["0.link"] == "up")
            await testpmd.quit()
        }
    }

    /// Queue → packets received ("rx") or sent ("tx") by that queue's stream, from the per-stream blocks
    /// testpmd (and FastPath) print at `stop` when ports have several queues.
    private static func perQueue(_ report: String, _ column: String) -> [Int: Int] {
        var out: [Int: Int] = [:]
        for match in report.matches(of: /Queue= ?(\d+) -> TX Port= ?\d+\/Queue= ?\d+ -------\s+RX-packets: (\d+)\s+TX-packets: (\d+)/) {
            out[Int(match.1)!] = Int(column == "rx" ? match.2 : match.3)!
        }
        return out
    }

    @Test func clientModeReconnectsWhenTheFrontEndRestarts() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let socket = lab.directory.appendingPathComponent("server.sock").path
            // FastPath connects (client=1) to a dpdk-testpmd virtio_user that listens (server=1).
            let fp = try await lab.fastpath(
                "client",
                [
                    "-l", "0-1", "--vdev", "net_vhost0,iface=\(socket),client=1", "--", "-i",
                    "--forward-mode=rxonly", "--port-topology=loop",
                ])
            try await fp.command("start")
            var total = 0
            for round in 1...2 {
                let testpmd = try await lab.prompt(
                    "testpmd\(round)",
                    [
                        "dpdk-testpmd", "--lcores", "0@0,1@0", "--no-pci", "--no-huge", "-m", "512",
                        "--file-prefix", "\(lab.namespace)\(round)", "--vdev", "net_virtio_user0,path=\(socket),server=1",
                        "--", "-i", "--forward-mode=txonly", "--port-topology=loop", "--total-num-mbufs=16384",
                    ])
                var linked = false
                for _ in 0..<100 where !linked {
                    linked = try PortInfoParser().parse(try await fp.command("show port info 0"))["0.link"] == "up"
                    if !linked { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(linked, "FastPath did not (re)connect in round \(round)")
                try await testpmd.command("start")
                try await Task.sleep(for: .milliseconds(300))
                try await testpmd.command("stop")
                total += Int(try await testpmd.stats(0)["0.tx_packets"] ?? "") ?? 0
                // What is still in the ring when the front-end quits is gone with it (so with DPDK's vhost):
                // the front-end quits once FastPath has taken all it sent, on a busy machine a moment later.
                for _ in 0..<50 where try await fp.stats(0)["0.rx_packets"] != "\(total)" { try await Task.sleep(for: .milliseconds(20)) }
                await testpmd.quit()
                await testpmd.session.close()
                try await Task.sleep(for: .milliseconds(300))
            }
            try await fp.command("stop")
            #expect(total > 10_000)
            let received = try await fp.stats(0)["0.rx_packets"]
            #expect(received == "\(total)", "testpmd sent \(total)")
        }
    }

    @Test func fastPathVirtioUserTransmitsIntoDPDKsVhost() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let socket = lab.directory.appendingPathComponent("dpdk-vhost.sock").path
            let testpmd = try await lab.prompt(
                "testpmd",
                [
                    "dpdk-testpmd", "-l", "0-1", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", lab.namespace,
                    "--vdev", "net_vhost0,iface=\(socket)", "--", "-i", "--forward-mode=rxonly",
                    "--port-topology=loop", "--total-num-mbufs=16384",
                ])
            try await testpmd.command("start")
            let fp = try await lab.fastpath(
                "virtio",
                [
                    "-l", "1,0", "--vdev", "virtio_user0,path=\(socket)", "--", "-i",
                    "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=200000",
                ])
            try await fp.command("start")
            try await Task.sleep(for: .milliseconds(500))
            try await fp.command("stop")
            let sent = try await fp.stats(0)["0.tx_packets"]
            try await Task.sleep(for: .milliseconds(200))
            try await testpmd.command("stop")
            let received = try await testpmd.stats(0)
            #expect(Int(sent ?? "") ?? 0 > 50_000)
            #expect(received["0.rx_packets"] == sent)
            await testpmd.quit()
        }
    }

    @Test func fastPathVirtioUserWithTwoQueuePairsFeedsDPDKsVhost() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let socket = lab.directory.appendingPathComponent("dpdk-mq.sock").path
            let testpmd = try await lab.prompt(
                "testpmd",
                [
                    "dpdk-testpmd", "--lcores", "0@0,1@1,2@1", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", lab.namespace,
                    "--vdev", "net_vhost0,iface=\(socket),queues=2", "--", "-i", "--forward-mode=rxonly",
                    "--port-topology=loop", "--total-num-mbufs=16384", "--rxq=2", "--txq=2", "--nb-cores=2",
                ])
            try await testpmd.command("start")
            let fp = try await lab.fastpath(
                "virtio-mq",
                [
                    "-l", "1,0,1", "--vdev", "virtio_user0,path=\(socket),queues=2", "--", "-i",
                    "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=100000", "--rxq=2", "--txq=2", "--nb-cores=2",
                ])
            try await fp.command("start")
            try await Task.sleep(for: .milliseconds(500))
            let sentReport = try await fp.command("stop")
            try await Task.sleep(for: .milliseconds(200))
            let receivedReport = try await testpmd.command("stop")
            let sent = Self.perQueue(sentReport, "tx"), received = Self.perQueue(receivedReport, "rx")
            #expect(sent.keys.sorted() == [0, 1] && sent.values.allSatisfy { $0 > 20_000 }, "\(sentReport)")
            #expect(received == sent, "\(receivedReport)")
            await testpmd.quit()
        }
    }

    @Test func guestMigratesBetweenFastPathBackEndsWhileTrafficFlows() throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/vmlinux"), "run: labrunner lab build-guest")
        // Under QEMU 10 the migrated guest keeps answering (its virtio-net keeps MSI-X): 49 of 50 runs in a
        // row passed here, and the one that did not lost 32 pings in a 22 ms window, no guest. QEMU 7.2
        // under TCG lost the guest in 14 of 57 runs, which is why scripts/install-deps installs QEMU 10.
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd", "af_packet", "bridge"])
        defer { lab.tearDown() }
        let file = try lab.scenario(Self.migrationScenario)
        let result = lab.run(file)
        let report = try lab.stepLog("traffic-stop")
        func number(_ key: String) -> Double { Double(report.firstMatch(of: try! Regex("\"\(key)\": ([0-9.]+)"))?.output[1].substring ?? "") ?? -1 }
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        // Lost only around the migration: in a few short windows (the source pausing, the destination
        // starting, a ping in flight, a TCG stall), none longer than the longest silence — at 1 kpps
        // one ping per ms.
        #expect(number("gaps") <= 4, "\(report)")
        #expect(number("lost") <= number("gaps") * (number("outage").rounded(.up) + 2), "\(report)")
        #expect(number("outage") < 3000, "\(report)")
        let info = try lab.stepLog("log-used")
        #expect(info.contains("Dirty page log: shared 1 time(s)"))
    }

    /// A guest answering pings on host 1 (FastPath 1 between its NIC and the guest's vhost-user port)
    /// migrates to host 2 (FastPath 2 the same) while the generator pings it through a flooding switch
    /// (as in the guide); the generator counts the answers by sequence number.
    static let migrationScenario = """
        name: vhost-migration
        title: Live migration between two FastPath vhost-user back-ends under traffic
        roles:
          h1:
            kind: host
            nics: [{name: nic0}]
          h2:
            kind: host
            nics: [{name: nic0}]
          sw: {kind: switch, ports: [s1, s2, s3], flood: true}  # as the guide's switch: traffic reaches both hosts
          tgen: {kind: trafficgen, ports: [p0]}
          fwd1:
            kind: forwarder
            on: h1
            lcores: 0-1
            vdevs: ["net_af_packet0,iface=nic0", "net_vhost0,iface=${h1.workdir}/vhost.sock"]
            args: -i --forward-mode=io
          fwd2:
            kind: forwarder
            on: h2
            lcores: 0-1
            vdevs: ["net_af_packet0,iface=nic0", "net_vhost0,iface=${h2.workdir}/vhost.sock"]
            args: -i --forward-mode=io
          vm1:
            kind: vm
            host: h1
            memory: 192MiB
            backing: {type: memfd, share: true}
            vcpus: 1
            nics: [{id: net0, type: vhost-user, socket: "${h1.workdir}/vhost.sock", mac: "52:54:00:12:34:56"}]
          vm1_dst:
            kind: vm
            host: h2
            memory: 192MiB
            backing: {type: memfd, share: true}
            vcpus: 1
            nics: [{id: net0, type: vhost-user, socket: "${h2.workdir}/vhost.sock", mac: "52:54:00:12:34:56"}]
            incoming: "unix:${h2.workdir}/migrate.sock"
        links:
          - {a: "tgen:p0", b: "sw:s1"}
          - {a: "h1:nic0", b: "sw:s2"}
          - {a: "h2:nic0", b: "sw:s3"}
        sessions:
          t1: {on: h1}
          t2: {on: h2}
          console: {on: vm1, console: serial}
        steps:
          - {id: fp1, on: t1, fastpath: {start: fwd1}}
          - {id: fp2, on: t2, fastpath: {start: fwd2}}
          - {id: go1, on: fwd1, fastpath: start}
          - {id: go2, on: fwd2, fastpath: start}
          - id: tgen-mac
            on: tgen
            run: cat /sys/class/net/p0/address
            capture:
              tgen_mac: '([0-9a-f:]{17})'
          - {id: boot, vm: {start: vm1}}
          - id: guest-ip
            on: console
            send: "ip link set eth0 up && ip addr add 198.51.100.10/24 dev eth0 && arp -s 198.51.100.1 ${tgen_mac} && echo configured"
            expect: {contains: configured}
            timeout: 120s
          - {id: dst, after: [fp2], vm: {start: vm1_dst}}
          - id: traffic-start
            after: [guest-ip, go1, go2]
            on: tgen
            traffic: {action: start, port: p0, dst_mac: "52:54:00:12:34:56", src_ip: 198.51.100.1, dst_ip: 198.51.100.10, proto: icmp, frame_size: 64, rate: 1kpps}
          - {id: before, wait: 1s}
          - id: migrate
            after: [before, dst]
            on: vm1
            hmp: migrate unix:${h2.workdir}/migrate.sock
            capture:
              mig: {parse: migrate}
            expect:
              that:
                - {value: mig.status, eq: completed}
          - {id: after, wait: 3s}
          - id: traffic-stop
            on: tgen
            traffic: {action: stop, port: p0}
            capture:
              t: {parse: traffic}
            expect:
              that:
                - {value: t.sent, gt: 3000}
                - {value: t.received, gt: 2000}
                # Lost only inside the migration's outage: at most its longest silence's worth of pings.
                - {value: t.outage, lt: 3s}
          - {id: log-used, on: fwd1, fastpath: show port info 1, expect: {contains: "Dirty page log: shared 1 time(s)"}}
          # The destination's back-end announced the guest (QEMU's SEND_RARP, as FastPath does not offer
          # GUEST_ANNOUNCE), so its switch knew where the guest was the moment it resumed.
          - id: announced
            on: fwd2
            fastpath: show port info 1
            capture:
              rarps: 'Migration announcements \\(RARP\\) sent: (\\d+)'
            expect:
              that:
                - {value: rarps, gt: 0}
          - id: via-host-2
            on: fwd2
            fastpath: show port stats 1
            capture:
              s2: {parse: port-stats}
            expect:
              that:
                - {value: s2.1.tx_packets, gt: 100}
                - {value: s2.1.rx_packets, gt: 100}
        always:
          - {id: quit1, on: fwd1, fastpath: quit}
          - {id: quit2, on: fwd2, fastpath: quit}
        """
}
