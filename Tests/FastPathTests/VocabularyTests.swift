import Testing
import TestpmdCommands

@testable import FastPath

/// One list of forwarder commands: what the scenario checker accepts for FastPath is exactly what
/// FastPath's parser carries out.
@Suite struct VocabularyTests {
    /// Every command the list gives to FastPath parses, and its example has its own form.
    @Test func everyFastPathEntryParses() throws {
        for entry in TestpmdCommand.all where entry.fastPath {
            #expect(entry.matches(entry.example), "\(entry.example) is not of the form \(entry.pattern)")
            #expect(throws: Never.self, "\(entry.pattern)") { try Command(parsing: entry.example) }
        }
    }

    /// What the list keeps for dpdk-testpmd alone, FastPath does not know.
    @Test func everyTestpmdOnlyEntryIsUnknownToFastPath() {
        for entry in TestpmdCommand.all where !entry.fastPath {
            do {
                _ = try Command(parsing: entry.example)
                Issue.record("FastPath parses '\(entry.example)', which the list says it does not implement")
            } catch {
                #expect(error.description.hasPrefix("Command not found"), "\(entry.example): \(error)")
            }
        }
    }

    /// A line for each of FastPath's commands; the switch is exhaustive, so a new command cannot be
    /// added without a line here, and each line must be in the list as FastPath's.
    static func line(for command: Command) -> String {
        switch command {
        case .start(let n): n == 0 ? "start" : "start tx_first \(n)"
        case .stop: "stop"
        case .quit: "quit"
        case .help: "help"
        case .showPortInfo: "show port info 0"
        case .showPortStats: "show port stats all"
        case .showProbeStats: "show port probes 0"
        case .clearPortStats: "clear port stats all"
        case .showConfigFwd: "show config fwd"
        case .showFwdStats: "show fwd stats all"
        case .showMemory: "show memory"
        case .setFwd(_, let retry): retry ? "set fwd io retry" : "set fwd io"
        case .setPortList: "set portlist 0,1"
        case .setEthPeer: "set eth-peer 0 52:54:00:00:00:01"
        case .setPromisc: "set promisc all on"
        case .setBurst: "set burst 32"
        case .setTxPackets: "set txpkts 64"
        case .setCoreCount: "set nbcore 1"
        case .macAdd: "mac_addr add 0 52:54:00:00:00:02"
        case .macRemove: "mac_addr remove 0 52:54:00:00:00:02"
        case .portStart: "port start all"
        case .portStop: "port stop all"
        case .portClose: "port close 0"
        case .portAttach: "port attach net_null9"
        case .portDetach: "port detach 0"
        case .createBond: "create bonded device 1 0"
        case .addSlave: "add bonding slave 0 2"
        case .removeSlave: "remove bonding slave 0 2"
        case .setPrimary: "set bonding primary 1 2"
        case .showBondingConfig: "show bonding config 2"
        case .vf(let c): vfLine(c)
        }
    }

    /// A line for each VFd control, exhaustive as `line(for:)`.
    static func vfLine(_ command: VFCommand) -> String {
        switch command {
        case .macAddress: "set vf mac addr 0 0 A0:36:9F:7B:C3:51"
        case .addMAC: "mac_addr add port 1 vf 0 AA:BB:CC:DD:EE:FF"
        case .macAntiSpoof: "set vf mac antispoof 0 0 on"
        case .vlanAntiSpoof: "set vf vlan antispoof 0 0 on"
        case .vlanInsert: "set vf vlan insert 0 0 1"
        case .vlanStrip: "set vf vlan stripq 0 0 on"
        case .vlanTag: "set vf vlan tag 0 0 on"
        case .vlanFilter(let add, _, _, _): add ? "rx_vlan add 1 port 0 vf 1" : "rx_vlan rm 1 port 0 vf 1"
        case .txLoopback: "set tx loopback 0 on"
        case .allQueuesDrop(let port, _): port == nil ? "set all queues drop on" : "set all queues drop 0 on"
        case .splitDrop: "set vf split drop 0 0 on"
        case .rate: "set port 0 vf 0 rate 10 queue_mask 1"
        case .traffic(_, _, let receive, _): receive ? "set port 0 vf 0 rx off" : "set port 0 vf 0 tx off"
        case .mode(_, _, let mode, _):
            mode.rawValue == mode.rawValue.uppercased() ? "set port 0 vf 0 rxmode \(mode.rawValue) on" : "set vf \(mode.rawValue) 0 0 on"
        case .maxBandwidth: "set vf tx max-bandwidth 0 0 2000"
        case .tcMinBandwidth: "set vf tc tx min-bandwidth 0 0 (20,20,20,40)"
        case .tcMaxBandwidth: "set vf tc tx max-bandwidth 0 0 0 10000"
        case .strictPriority: "set tx strict-link-priority 0 3"
        case .showStats: "show vf stats 0 0"
        case .clearStats: "clear vf stats 0 0"
        case .link(_, let up): up ? "set link-up port 0" : "set link-down port 0"
        }
    }

    @Test func everyFastPathCommandIsInTheList() throws {
        let samples: [Command] = [
            .start(txFirst: 0), .start(txFirst: 2), .stop, .quit, .help, .showPortInfo(.one(0)), .showPortStats(.all),
            .showProbeStats(.one(0)), .clearPortStats(.all), .showConfigFwd, .showFwdStats, .showMemory, .setFwd(.io, retry: false),
            .setFwd(.io, retry: true), .setPortList([0, 1]), .setEthPeer(port: 0, EtherAddress("52:54:00:00:00:01")!),
            .setPromisc(.all, true), .setBurst(32), .setTxPackets(64), .setCoreCount(1),
            .macAdd(port: 0, EtherAddress("52:54:00:00:00:02")!), .macRemove(port: 0, EtherAddress("52:54:00:00:00:02")!),
            .portStart(.all), .portStop(.all), .portClose(.one(0)), .portAttach("net_null9"), .portDetach(0),
            .createBond(mode: 1, socket: 0), .addSlave(slave: 0, bond: 2), .removeSlave(slave: 0, bond: 2),
            .setPrimary(slave: 1, bond: 2), .showBondingConfig(2),
        ]
        let mac = EtherAddress("A0:36:9F:7B:C3:51")!
        let vfd: [VFCommand] =
            [
                .macAddress(port: 0, vf: 0, mac), .addMAC(port: 1, vf: 0, EtherAddress("AA:BB:CC:DD:EE:FF")!), .macAntiSpoof(port: 0, vf: 0, true),
                .vlanAntiSpoof(port: 0, vf: 0, true), .vlanInsert(port: 0, vf: 0, 1), .vlanStrip(port: 0, vf: 0, true), .vlanTag(port: 0, vf: 0, true),
                .vlanFilter(add: true, vlan: 1, port: 0, vfMask: 1), .vlanFilter(add: false, vlan: 1, port: 0, vfMask: 1), .txLoopback(port: 0, true),
                .allQueuesDrop(port: nil, true), .allQueuesDrop(port: 0, true), .splitDrop(port: 0, vf: 0, true),
                .rate(port: 0, vf: 0, mbps: 10, queueMask: 1), .traffic(port: 0, vf: 0, receive: true, false),
                .traffic(port: 0, vf: 0, receive: false, false), .maxBandwidth(port: 0, vf: 0, mbps: 2000),
                .tcMinBandwidth(port: 0, vf: 0, [20, 20, 20, 40]), .tcMaxBandwidth(port: 0, vf: 0, tc: 0, mbps: 10000),
                .strictPriority(port: 0, tcMap: 3), .showStats(port: 0, vf: 0), .clearStats(port: 0, vf: 0), .link(port: 0, up: true),
                .link(port: 0, up: false),
            ] + VFCommand.Mode.allCases.map { .mode(port: 0, vf: 0, $0, true) }
        for command in samples + vfd.map(Command.vf) {
            let line = Self.line(for: command)
            #expect(try Command(parsing: line) == command, "\(line)")
            #expect(TestpmdCommand.matching(line)?.fastPath == true, "'\(line)' is not in TestpmdCommand.all as a FastPath command")
        }
    }
}
