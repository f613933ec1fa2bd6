import Foundation
import Testing
@testable import Labrunner

/// FastPath's vhost-user back-end with peers nobody here wrote: QEMU's virtio-net in a TCG guest, and
/// dpdk-testpmd's virtio_user.
@Suite(.serialized) struct VhostTests {
    @Test func tcgGuestTrafficReachesFastPathAndComesBack() throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/vmlinux"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd"])
        defer { lab.tearDown() }
        let file = try lab.scenario("""
        name: guest-vhost
        title: A TCG guest's virtio-net on FastPath's vhost-user port, both ways
        roles:
          h1: {kind: host}
          fwd:
            kind: forwarder
            on: h1
            lcores: 0-1
            vdevs: ["net_vhost0,iface=${h1.workdir}/vhost0.sock"]
            args: -i --port-topology=loop --forward-mode=macswap
          vm1:
            kind: vm
            host: h1
            memory: 192MiB
            backing: {type: memfd, share: true}
            vcpus: 1
            nics:
              - {id: net0, type: vhost-user, socket: "${h1.workdir}/vhost0.sock", mac: "52:54:00:12:34:56"}
        sessions:
          t1: {on: h1}
          console: {on: vm1, console: serial}
        steps:
          - {id: fp, on: t1, fastpath: {start: fwd}}
          - {id: go, on: fwd, fastpath: start}
          - {id: boot, vm: {start: vm1}}
          - id: ping
            on: console
            send: "ip link set eth0 up && ip addr add 198.51.100.10/24 dev eth0 && ping -c 5 -W 1 198.51.100.20 >/dev/null; echo tx $(cat /sys/class/net/eth0/statistics/tx_packets) rx $(cat /sys/class/net/eth0/statistics/rx_packets)"
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
                # Every frame the guest sent reached FastPath, and every one it swapped came back.
                - {value: s.0.rx_packets, eq: "${guest_tx}"}
                - {value: s.0.tx_packets, eq: "${guest_rx}"}
                - {value: s.0.rx_packets, eq: "${guest_rx}"}
        always:
          - {id: quit, on: fwd, fastpath: quit}
        """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
    }

    @Test func dpdkVirtioUserTransmitsIntoFastPath() async throws {
        let lab = try FastPathLab(veths: [])
        let socket = lab.directory.appendingPathComponent("vhost.sock").path
        do {
            let fp = try await lab.fastpath("vhost", ["-l", "0-1", "--vdev", "net_vhost0,iface=\(socket)", "--", "-i", "--forward-mode=rxonly", "--port-topology=loop"])
            try await fp.command("start")
            let testpmd = try lab.spawn("testpmd", ["dpdk-testpmd", "--lcores", "0@0,1@0", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", lab.namespace,
                                                    "--vdev", "net_virtio_user0,path=\(socket)", "--", "-i", "--forward-mode=txonly",
                                                    "--port-topology=loop", "--total-num-mbufs=16384", "--txpkts=64"])
            _ = try await testpmd.expect("testpmd> $", timeout: .seconds(60))
            try await testpmd.send("start")
            _ = try await testpmd.expect("testpmd> $", timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(500))
            try await testpmd.send("stop")
            _ = try await testpmd.expect("testpmd> $", timeout: .seconds(10))
            try await testpmd.send("show port stats 0")
            let sent = try PortStatsParser().parse(try await testpmd.expect("testpmd> $", timeout: .seconds(10)).text)["0.tx_packets"]
            try await Task.sleep(for: .milliseconds(200))
            try await fp.command("stop")
            let received = try await fp.stats(0)
            #expect(Int(sent ?? "") ?? 0 > 10_000)
            #expect(received["0.rx_packets"] == sent)
            #expect(received["0.rx_bytes"] == "\((Int(sent ?? "") ?? 0) * 64)")
            try await testpmd.send("quit")
            _ = try? await testpmd.expect("Bye", timeout: .seconds(10))
            // The front-end left: FastPath is still there, and its link is down.
            try await Task.sleep(for: .milliseconds(300))
            #expect(try PortInfoParser().parse(try await fp.command("show port info 0"))["0.link"] == "down")
        } catch {
            await lab.tearDown()
            throw error
        }
        await lab.tearDown()
    }

    @Test func fastPathVirtioUserTransmitsIntoDPDKsVhost() async throws {
        let lab = try FastPathLab(veths: [])
        let socket = lab.directory.appendingPathComponent("dpdk-vhost.sock").path
        do {
            let testpmd = try lab.spawn("testpmd", ["dpdk-testpmd", "-l", "0-1", "--no-pci", "--no-huge", "-m", "512", "--file-prefix", lab.namespace,
                                                    "--vdev", "net_vhost0,iface=\(socket)", "--", "-i", "--forward-mode=rxonly",
                                                    "--port-topology=loop", "--total-num-mbufs=16384"])
            _ = try await testpmd.expect("testpmd> $", timeout: .seconds(60))
            try await testpmd.send("start")
            _ = try await testpmd.expect("testpmd> $", timeout: .seconds(10))
            let fp = try await lab.fastpath("virtio", ["-l", "1,0", "--vdev", "virtio_user0,path=\(socket)", "--", "-i",
                                                       "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=200000"])
            try await fp.command("start")
            try await Task.sleep(for: .milliseconds(500))
            try await fp.command("stop")
            let sent = try await fp.stats(0)["0.tx_packets"]
            try await Task.sleep(for: .milliseconds(200))
            try await testpmd.send("stop")
            _ = try await testpmd.expect("testpmd> $", timeout: .seconds(10))
            try await testpmd.send("show port stats 0")
            let received = try PortStatsParser().parse(try await testpmd.expect("testpmd> $", timeout: .seconds(10)).text)
            #expect(Int(sent ?? "") ?? 0 > 50_000)
            #expect(received["0.rx_packets"] == sent)
            try await testpmd.send("quit")
            _ = try? await testpmd.expect("Bye", timeout: .seconds(10))
        } catch {
            await lab.tearDown()
            throw error
        }
        await lab.tearDown()
    }
}
