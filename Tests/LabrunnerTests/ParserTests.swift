import Foundation
import Testing

@testable import LabrunnerKit

/// The typed parsers on output captured from the real dpdk-testpmd (DPDK 22.11) and QEMU 7.2 on this
/// machine (Fixtures/), and on the how-to guide's own QEMU 2.x output.
@Suite struct ParserTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    private func fixture(_ name: String) throws -> String { try String(contentsOf: Self.fixtures.appendingPathComponent(name), encoding: .utf8) }

    @Test func testpmdPortStats() throws {
        let stats = try PortStatsParser().parse(try fixture("testpmd-port-stats-running.txt"))
        #expect(stats["0.rx_packets"] == "33355360")
        #expect(stats["0.tx_packets"] == "32882272")
        #expect(stats["1.rx_packets"] == "33385248")
        #expect(stats["1.rx_missed"] == "0")
        #expect(stats["1.tx_pps"] == "0pps")
        let cleared = try PortStatsParser().parse(try fixture("testpmd-port-stats-cleared.txt"))
        #expect(cleared["0.rx_packets"] == "0")
        #expect(throws: ParseError.self) { try PortStatsParser().parse(try fixture("testpmd-bonding-config.txt")) }
    }

    @Test func testpmdPortInfo() throws {
        let info = try PortInfoParser().parse(try fixture("testpmd-port-info.txt"))
        #expect(info["0.driver"] == "net_null")
        #expect(info["0.link"] == "up")
        #expect(info["0.speed"] == "10Gbps")
        #expect(info["0.mac"]?.count == 17)
    }

    @Test func testpmdBondingConfig() throws {
        let two = try BondingConfigParser().parse(try fixture("testpmd-bonding-config.txt"))
        #expect(two["mode"] == "1")
        #expect(two["slaves"] == "0 1")
        #expect(two["active_count"] == "2")
        #expect(two["primary"] == "1")
        #expect(two["current_primary"] == "1")
        let one = try BondingConfigParser().parse(try fixture("testpmd-bonding-config-one-slave.txt"))
        #expect(one["slave_count"] == "1")
        #expect(one["primary"] == "0")
        let stopped = try BondingConfigParser().parse(try fixture("testpmd-bonding-config-stopped.txt"))
        #expect(stopped["slave_count"] == "2")
        // DPDK 17.08 prints a Current Primary line, as in the guide.
        let guide = try BondingConfigParser().parse(
            "\tBonding mode: 1\n\tSlaves (2): [0 1]\n\tActive Slaves (1): [0]\n\tPrimary: [1]\n\tCurrent Primary: [0]\n")
        #expect(guide["current_primary"] == "0")
        #expect(guide["active_count"] == "1")
    }

    @Test func qemuStatus() throws {
        #expect(try StatusParser().parse(try fixture("hmp-info-status-inmigrate.txt")) == ["status": "inmigrate", "running": "false", "reason": "inmigrate"])
        #expect(try StatusParser().parse(try fixture("hmp-info-status-postmigrate.txt"))["status"] == "postmigrate")
        #expect(try StatusParser().parse(try fixture("hmp-info-status-running.txt"))["running"] == "true")
        #expect(try StatusParser().parse(try fixture("qmp-query-status-running.json"))["status"] == "running")
        #expect(try StatusParser().parse(try fixture("qmp-query-status-postmigrate.json"))["running"] == "false")
    }

    @Test func qemuMigrate() throws {
        let hmp = try MigrateParser().parse(try fixture("hmp-info-migrate.txt"))
        #expect(hmp["status"] == "completed")
        #expect(hmp["total_time"] == "24ms")
        #expect(hmp["downtime"] == "1ms")
        #expect(hmp["transferred_ram"] == "650kbytes")
        #expect(hmp["remaining_ram"] == "0kbytes")
        #expect(hmp["dirty_sync_count"] == "2")
        let qmp = try MigrateParser().parse(try fixture("qmp-query-migrate-completed.json"))
        #expect(qmp["status"] == "completed")
        #expect(qmp["downtime"] == "1ms")
        #expect(qmp["transferred_ram"] == "666423B")
        #expect(qmp["dirty_sync_count"] == "2")
        let guide = try MigrateParser().parse(try fixture("guide-info-migrate-niantic.txt"))
        #expect(guide["total_time"] == "11834ms")
        #expect(guide["downtime"] == "18ms")
        #expect(guide["throughput"] == "269.49mbps")
    }

    @Test func tcpdump() throws {
        let out = try TcpdumpParser().parse(
            """
            reading from file /tmp/capture.pcap, link-type EN10MB (Ethernet)
            11:11:36.891404 IP 4.4.4.4.whois++ > 3.3.3.3.whois++: UDP, length 18
            11:11:36.891442 IP 4.4.4.4.whois++ > 3.3.3.3.whois++: UDP, length 18
            """)
        #expect(out["packets"] == "2")
        #expect(out["link_type"] == "EN10MB")
        #expect(out["first_src"] == "4.4.4.4.whois++")
        #expect(out["first_dst"] == "3.3.3.3.whois++")
    }
}
