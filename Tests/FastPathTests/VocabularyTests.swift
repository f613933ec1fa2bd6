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
        for command in samples {
            let line = Self.line(for: command)
            #expect(try Command(parsing: line) == command, "\(line)")
            #expect(TestpmdCommand.matching(line)?.fastPath == true, "'\(line)' is not in TestpmdCommand.all as a FastPath command")
        }
    }
}
