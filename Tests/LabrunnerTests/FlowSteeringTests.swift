import FastPath
import Foundation
import Testing

/// The virtual lab's emulated NIC (`labrunner nic`, `labrunner ethtool`): XDP steering on real veths in a
/// namespace of the test's own, driven by the traffic generator, counted where the frames land (the
/// VFs' interfaces, which FastPath serves over AF_XDP, and the PF's, the kernel's).
@Suite(.serialized)
struct FlowSteeringTests {
    /// t0 sends into the uplink; eth1 is the PF, vf0 and vf1 the VFs.
    static let veths = [("t0", "u-eth1"), ("eth1", "p-eth1"), ("vf0", "v-vf0"), ("vf1", "v-vf1")]

    /// A NIC of `model` on the lab's veths.
    static func nic(_ lab: FastPathLab, _ model: NICModel) throws {
        try EmulatedNIC.mountFilesystem()
        let made = lab.shell(
            "\(CLI.binary) nic create --pf eth1 --model \(model.rawValue) --uplink u-eth1 --pf-wire p-eth1 --vf-wire v-vf0 --vf-wire v-vf1 2>&1; echo rc=$?")
        #expect(made.hasSuffix("rc=0\n"), "\(made)")
    }

    /// `labrunner ethtool` with these arguments in the lab: (status, output and errors).
    static func ethtool(_ lab: FastPathLab, _ arguments: String) -> (Int, String) {
        let out = lab.shell("\(CLI.binary) ethtool \(arguments) 2>&1; echo rc=$?")
        let status = out.components(separatedBy: "rc=").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? -1
        return (status, String(out[..<(out.range(of: "rc=", options: .backwards)?.lowerBound ?? out.endIndex)]))
    }

    /// `labrunner ethtool` with these arguments must succeed.
    static func expectAccepted(_ lab: FastPathLab, _ arguments: String) {
        let (status, output) = ethtool(lab, arguments)
        #expect(status == 0, "ethtool \(arguments): \(output)")
    }

    static func rx(_ lab: FastPathLab) -> [String: Int] {
        Dictionary(
            uniqueKeysWithValues: ["eth1", "vf0", "vf1"].map {
                ($0, Int(lab.shell("cat /sys/class/net/\($0)/statistics/rx_packets").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1)
            })
    }

    /// What a flow sent (about 200 probes: 200 pps for 1 s out of t0, with these generator options) and
    /// how many frames arrived at each of eth1, vf0 and vf1 meanwhile.
    static func send(_ lab: FastPathLab, _ options: String) -> (sent: Int, at: [String: Int]) {
        let before = rx(lab)
        let report = lab.shell("\(CLI.binary) traffic run --port t0 --rate 200pps --duration 1s \(options)")
        let sent = report.firstMatch(of: /"sent": (\d+)/).flatMap { Int($0.1) } ?? 0
        #expect(sent >= 190, "\(report)")
        return (sent, rx(lab).merging(before) { $0 - $1 })
    }

    /// What a flow must do: all its frames at one interface, and none at the others.
    static func expectAll(_ flow: (sent: Int, at: [String: Int]), at place: String, _ name: String) {
        for (interface, n) in flow.at {
            if interface == place {
                #expect(n >= flow.sent && n < flow.sent + 10, "\(name): \(n) frames at \(interface), \(flow.sent) sent")
            } else {
                #expect(n < 10, "\(name): \(n) frames at \(interface), none expected (the kernel may send a few of its own)")
            }
        }
    }

    @Test func ixgbeFiveTupleRulesSendTheirFlowsToTheirVFsAndEverythingElseToTheKernel() async throws {
        try await FastPathLab.with(veths: Self.veths) { lab in
            try Self.nic(lab, .niantic)
            // The guide's two rules (VF0 one way, VF1 the other) and a TCP 5-tuple with ports.
            Self.expectAccepted(lab, "-N eth1 flow-type udp4 src-ip 192.0.2.2 dst-ip 198.51.100.2 action 0x100000000")
            Self.expectAccepted(lab, "-N eth1 flow-type udp4 src-ip 198.51.100.2 dst-ip 192.0.2.2 action 0x200000000")
            Self.expectAccepted(lab, "-N eth1 flow-type tcp4 src-ip 192.0.2.2 dst-ip 198.51.100.2 src-port 1024 dst-port 80 action 0x200000000 loc 3")
            Self.expectAll(Self.send(lab, "--src-ip 192.0.2.2 --dst-ip 198.51.100.2"), at: "vf0", "udp A→B")
            Self.expectAll(Self.send(lab, "--src-ip 198.51.100.2 --dst-ip 192.0.2.2"), at: "vf1", "udp B→A")
            Self.expectAll(
                Self.send(lab, "--src-ip 192.0.2.2 --dst-ip 198.51.100.2 --proto tcp --frame-size 72 --src-port 1024 --dst-port 80"), at: "vf1", "tcp :80")
            // Other hosts, other ports, other protocols: the PF's kernel.
            Self.expectAll(Self.send(lab, "--src-ip 192.0.2.3 --dst-ip 198.51.100.2"), at: "eth1", "another host")
            Self.expectAll(
                Self.send(lab, "--src-ip 192.0.2.2 --dst-ip 198.51.100.2 --proto tcp --frame-size 72 --src-port 1024 --dst-port 81"), at: "eth1", "tcp :81")
            Self.expectAll(Self.send(lab, "--src-ip 192.0.2.2 --dst-ip 198.51.100.2 --proto icmp"), at: "eth1", "icmp")
            let (_, shown) = Self.ethtool(lab, "-n eth1")
            #expect(shown.hasPrefix("64 RX rings available\nTotal 3 rules\n\n"), "\(shown)")
            #expect(shown.contains("Filter: 3\n\tRule Type: TCP over IPv4\n\tSrc IP addr: 192.0.2.2 mask: 0.0.0.0\n"), "\(shown)")
            #expect(shown.contains("\tDest port: 80 mask: 0x0\n\tAction: Direct to VF 1 queue 0\n"), "\(shown)")
            let (_, stats) = Self.ethtool(lab, "-S eth1")
            #expect(stats.contains(/fdir_match: (5[7-9]\d|600)\n/) && stats.contains(/rule_3_hits: (19\d|200)\n/), "\(stats)")
            // Rules come and go while traffic flows: without VF0's, its flow is the kernel's.
            Self.expectAccepted(lab, "-N eth1 delete 31")
            Self.expectAll(Self.send(lab, "--src-ip 192.0.2.2 --dst-ip 198.51.100.2"), at: "eth1", "udp A→B without its rule")
            // ntuple off drops the rest (as ixgbe does).
            Self.expectAccepted(lab, "-K eth1 ntuple off")
            Self.expectAll(Self.send(lab, "--src-ip 198.51.100.2 --dst-ip 192.0.2.2"), at: "eth1", "udp B→A with ntuple off")
            #expect(Self.ethtool(lab, "-N eth1 flow-type udp4 src-ip 192.0.2.2 action 0").1.contains("Operation not supported"))
        }
    }

    @Test func i40eL3VEBAndCloudFiltersSteerByTheirKind() async throws {
        try await FastPathLab.with(veths: Self.veths) { lab in
            try Self.nic(lab, .fortville)
            let vxlan = "--frame-size 128 --vni"
            // L3 VEB: a destination address to VF 0 (its queue 2); the same address inside a tunnel is not it.
            Self.expectAccepted(lab, "-N eth1 flow-type ip4 dst-ip 192.168.50.108 user-def 0xffffffff00000000 action 2 loc 8")
            Self.expectAll(Self.send(lab, "--dst-ip 192.168.50.108"), at: "vf0", "L3 VEB")
            Self.expectAll(Self.send(lab, "--dst-ip 192.168.50.109"), at: "eth1", "another address")
            // Inner MAC (any VNI) to a PF queue: the kernel's, counted on that queue.
            Self.expectAccepted(
                lab,
                "-N eth1 flow-type ether dst 00:00:00:00:00:00 m ff:ff:ff:ff:ff:ff src 00:00:00:00:09:00 m 00:00:00:00:00:00 user-def 0xffffffff00000003 action 6 loc 1"
            )
            Self.expectAll(Self.send(lab, "\(vxlan) 77 --inner-dst-mac 00:00:00:00:09:00"), at: "eth1", "inner MAC")
            #expect(Self.ethtool(lab, "-S eth1").1.contains(/rx-6.packets: (19\d|200)\n/))
            // Inner MAC + VNI to VF 1: that VNI only, before the inner-MAC rule (it compares more bits).
            Self.expectAccepted(
                lab,
                "-N eth1 flow-type ether dst 00:00:00:00:00:00 m ff:ff:ff:ff:ff:ff src 00:00:00:00:09:00 m 00:00:00:00:00:00 user-def 0x800000001 action 4 loc 4"
            )
            Self.expectAll(Self.send(lab, "\(vxlan) 8 --inner-dst-mac 00:00:00:00:09:00"), at: "vf1", "inner MAC + VNI")
            Self.expectAll(Self.send(lab, "\(vxlan) 9 --inner-dst-mac 00:00:00:00:09:00"), at: "eth1", "inner MAC + another VNI")
            #expect(Self.ethtool(lab, "-S eth1").1.contains(/rx-6.packets: (39\d|400)\n/))
            // Outer MAC + inner MAC + VNI.
            Self.expectAccepted(
                lab,
                "-N eth1 flow-type ether dst 68:05:ca:24:03:8b m 00:00:00:00:00:00 src c2:1a:e1:53:bc:57 m 00:00:00:00:00:00 user-def 0x800000000 action 2 loc 2"
            )
            Self.expectAll(Self.send(lab, "--dst-mac 68:05:ca:24:03:8b \(vxlan) 8 --inner-dst-mac c2:1a:e1:53:bc:57"), at: "vf0", "outer + inner MAC + VNI")
            Self.expectAll(Self.send(lab, "--dst-mac 68:05:ca:24:03:8c \(vxlan) 8 --inner-dst-mac c2:1a:e1:53:bc:57"), at: "eth1", "another outer MAC")
            // Inner MAC + inner VLAN (+ VNI): the tag must be that VLAN.
            Self.expectAccepted(
                lab,
                "-N eth1 flow-type ether dst 00:00:00:00:01:00 m ff:ff:ff:ff:ff:ff src 00:00:00:00:20:00 m 00:00:00:00:00:00 vlan 10 user-def 0x800000001 action 1 loc 5"
            )
            Self.expectAll(Self.send(lab, "\(vxlan) 8 --inner-dst-mac 00:00:00:00:20:00 --inner-vlan 10"), at: "vf1", "inner MAC + VLAN + VNI")
            Self.expectAll(Self.send(lab, "\(vxlan) 8 --inner-dst-mac 00:00:00:00:20:00 --inner-vlan 11"), at: "eth1", "inner MAC + another VLAN")
            Self.expectAll(Self.send(lab, "\(vxlan) 8 --inner-dst-mac 00:00:00:00:20:00"), at: "eth1", "inner MAC untagged")
            // Inner IP + VNI.
            Self.expectAccepted(lab, "-N eth1 flow-type ip4 dst-ip 10.0.0.9 user-def 0x1e00000000 action 3 loc 6")
            Self.expectAll(Self.send(lab, "\(vxlan) 30 --inner-dst-ip 10.0.0.9"), at: "vf0", "inner IP + VNI")
            Self.expectAll(Self.send(lab, "\(vxlan) 30 --inner-dst-ip 10.0.0.8"), at: "eth1", "another inner IP")
        }
    }

    @Test func badRulesAndMissingNICsAreErrorsInEthtoolsWords() async throws {
        try await FastPathLab.with(veths: Self.veths) { lab in
            #expect(Self.ethtool(lab, "-n eth1").1.contains("eth1: not an emulated NIC"))
            try Self.nic(lab, .niantic)
            let cases: [(String, String)] = [
                ("-N eth1 flow-type sctp4 action 0", "start the rule with flow-type udp4|tcp4|ip4|ether"),
                ("-N eth1 flow-type udp4 src-ip 300.1.1.1 action 0", "invalid IPv4 address for src-ip: 300.1.1.1"),
                ("-N eth1 flow-type udp4 src-ip 192.0.2.2", "give the rule an action"),
                ("-N eth1 flow-type udp4 dst 00:00:00:00:00:01 action 0", "flow-type udp4 has no field dst"),
                ("-N eth1 flow-type ether src 00:00:00:00:09:00 action 0", "Operation not supported"),
                ("-N eth1 flow-type udp4 src-ip 192.0.2.2 action 0x300000000", "VF 2: the PF has 2 VFs"),
                ("-N eth1 flow-type udp4 src-ip 192.0.2.2 action 0 loc 40", "Invalid RX class rule location 40"),
                ("-N eth1 delete 7", "Cannot delete RX class rule"),
                ("-X eth1", "the emulated NIC serves -K (ntuple), -N, -n and -S"),
            ]
            for (arguments, message) in cases {
                let (status, out) = Self.ethtool(lab, arguments)
                #expect(status == 1 && out.contains(message), "ethtool \(arguments): \(status) \(out)")
            }
            #expect(Self.ethtool(lab, "-n eth1").1.contains("Total 0 rules"))
            let again = lab.shell("\(CLI.binary) nic create --pf eth1 --model niantic --uplink u-eth1 --pf-wire p-eth1 2>&1")
            #expect(again.contains("an emulated NIC exists already"), "\(again)")
        }
    }
}
