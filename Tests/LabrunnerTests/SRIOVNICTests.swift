import Foundation
import Testing

@testable import LabrunnerKit

/// The emulated SR-IOV NIC (`net_sriov`) on real veths: FastPath is the PF application, the wire and
/// each VF are veth pairs in a namespace of the test's own, and marked frames are sent and counted on
/// the far ends (the VF users' side and the wire's) by `Fixtures/wire_frames.py`. Each VFd control is
/// checked by its effect on those frames, so a control that is accepted but not applied fails.
@Suite(.serialized)
struct SRIOVNICTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/wire_frames.py").path
    static let stranger = "02:00:00:00:99:01"

    /// A namespace with the wire (`up0`—`gen0`) and two VFs (`vfKn`—`vfKu`), and the PF's FastPath.
    private func withNIC(model: String, _ body: (FastPathLab, FastPathPrompt, [String]) async throws -> Void) async throws {
        try await FastPathLab.with(veths: [("up0", "gen0"), ("vf0n", "vf0u"), ("vf1n", "vf1u")]) { lab in
            let pf = try await lab.fastpath(
                "pf", ["-l", "0-1", "--no-huge", "--vdev", "net_sriov0,uplink=up0,vfs=2,vf0=vf0n,vf1=vf1n,model=\(model)", "--", "-i"])
            let info = try await pf.command("show port info 0")
            let macs = info.matches(of: /VF \d: ([0-9A-Fa-f:]{17}) on vf\dn/).map { String($0.output.1) }
            try #require(macs.count == 2, "\(info)")
            try await body(lab, pf, macs)
            await pf.quit()
        }
    }

    /// Types a control at the PF's prompt and checks that it was taken (no error of any kind).
    private func accept(_ pf: FastPathPrompt, _ line: String) async throws {
        let output = try await pf.command(line)
        for error in ["invalid", "Invalid", "Bad arguments", "not implemented", "Command not found", "error", "failed"] {
            #expect(!output.contains(error), "\(line): \(output)")
        }
    }

    /// Sends `count` marked frames on `from` and returns, per listening interface, the frames and the
    /// VLANs seen.
    private func send(
        _ lab: FastPathLab, from: String, dst: String, src: String, vlan: Int = 0, count: Int = 5, size: Int = 64, pps: Int = 0,
        listen: [String] = ["gen0", "vf0u", "vf1u"]
    ) throws -> [String: (frames: Int, vlans: [Int?], bytes: Int)] {
        let text = lab.shell("python3 \(Self.script) \(from) \(dst) \(src) \(vlan) \(count) \(size) \(pps) \(listen.joined(separator: " "))")
        guard let data = text.data(using: .utf8), let json = try JSONSerialization.jsonObject(with: data) as? [String: [String: Any]] else {
            throw CocoaError(.coderReadCorrupt, userInfo: [NSDebugDescriptionErrorKey: "wire_frames.py printed: \(text)"])
        }
        return json.mapValues { c in
            ((c["frames"] as? Int) ?? -1, ((c["vlans"] as? [Any]) ?? []).map { $0 as? Int }, (c["bytes"] as? Int) ?? -1)
        }
    }

    @Test func theWiresFramesReachTheVFWhoseAddressTheyCarryAndTheVFsReachTheWire() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            var seen = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 5 && seen["vf1u"]?.frames == 0)
            seen = try send(lab, from: "gen0", dst: "02:00:00:00:77:77", src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 0 && seen["vf1u"]?.frames == 0, "unknown unicast goes to the PF only")
            seen = try send(lab, from: "vf1u", dst: Self.stranger, src: vf[1])
            #expect(seen["gen0"]?.frames == 5)
            // set vf mac addr: the new address receives, the old one no longer.
            try await accept(pf, "set vf mac addr 0 0 02:00:00:00:5f:00")
            seen = try send(lab, from: "gen0", dst: "02:00:00:00:5f:00", src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 5)
            seen = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 0)
            #expect(try await pf.command("show port info 0").contains("VF 0: 02:00:00:00:5F:00"))
        }
    }

    @Test func macAntiSpoofDropsFramesFromAForeignSource() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: "02:00:00:00:66:66")["gen0"]?.frames == 5)
            try await accept(pf, "set vf mac antispoof 0 0 on")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: "02:00:00:00:66:66")["gen0"]?.frames == 0)
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0])["gen0"]?.frames == 5)
            try await accept(pf, "set vf mac antispoof 0 0 off")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: "02:00:00:00:66:66")["gen0"]?.frames == 5)
        }
    }

    @Test func vlanInsertTagsTheVFsFramesAndVLANAntiSpoofDropsOtherVLANs() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            try await accept(pf, "set vf vlan insert 0 0 5")
            var seen = try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0])
            #expect(seen["gen0"]?.frames == 5 && seen["gen0"]?.vlans == [5])
            // Frames of the port VLAN reach the VF without their tag.
            seen = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger, vlan: 5)
            #expect(seen["vf0u"]?.frames == 5 && seen["vf0u"]?.vlans == [nil])
            try await accept(pf, "set vf vlan insert 0 0 0")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0])["gen0"]?.vlans == [nil])
            try await accept(pf, "set vf vlan antispoof 0 0 on")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0], vlan: 7)["gen0"]?.frames == 0)
            try await accept(pf, "rx_vlan add 7 port 0 vf 1")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0], vlan: 7)["gen0"]?.frames == 5)
            try await accept(pf, "set vf vlan antispoof 0 0 off")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0], vlan: 8)["gen0"]?.frames == 5)
        }
    }

    @Test func theVLANFilterAdmitsItsVLANsAndStripRemovesTheirTag() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            try await accept(pf, "rx_vlan add 9 port 0 vf 1")
            var seen = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger, vlan: 10)
            #expect(seen["vf0u"]?.frames == 0, "a VLAN the VF does not have")
            seen = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger, vlan: 9)
            #expect(seen["vf0u"]?.frames == 5 && seen["vf0u"]?.vlans == [9])
            try await accept(pf, "set vf vlan stripq 0 0 on")
            seen = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger, vlan: 9)
            #expect(seen["vf0u"]?.frames == 5 && seen["vf0u"]?.vlans == [nil])
            try await accept(pf, "set vf vlan stripq 0 0 off")
            try await accept(pf, "rx_vlan rm 9 port 0 vf 1")
            #expect(try send(lab, from: "gen0", dst: vf[0], src: Self.stranger, vlan: 10)["vf0u"]?.frames == 5, "no filter: any VLAN")
        }
    }

    @Test func receiveAndTransmitOffStopTheVFsFlows() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            try await accept(pf, "set port 0 vf 0 rx off")
            #expect(try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)["vf0u"]?.frames == 0)
            try await accept(pf, "set port 0 vf 0 rx on")
            #expect(try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)["vf0u"]?.frames == 5)
            try await accept(pf, "set port 0 vf 0 tx off")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0])["gen0"]?.frames == 0)
            try await accept(pf, "set port 0 vf 0 tx on")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0])["gen0"]?.frames == 5)
        }
    }

    @Test func loopbackDecidesWhetherVFToVFFramesStayInsideTheNIC() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            var seen = try send(lab, from: "vf0u", dst: vf[1], src: vf[0])
            #expect(seen["vf1u"]?.frames == 5 && seen["gen0"]?.frames == 0)
            try await accept(pf, "set tx loopback 0 off")
            seen = try send(lab, from: "vf0u", dst: vf[1], src: vf[0])
            #expect(seen["vf1u"]?.frames == 0 && seen["gen0"]?.frames == 5)
        }
    }

    @Test func ixgbeReceiveModesAdmitWhatTheySay() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            let broadcast = "ff:ff:ff:ff:ff:ff", multicast = "01:00:5e:00:00:09"
            var seen = try send(lab, from: "gen0", dst: broadcast, src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 5 && seen["vf1u"]?.frames == 5)
            #expect(try send(lab, from: "gen0", dst: multicast, src: Self.stranger)["vf0u"]?.frames == 0)
            try await accept(pf, "set port 0 vf 0 rxmode BAM off")
            try await accept(pf, "set port 0 vf 0 rxmode MPE on")
            seen = try send(lab, from: "gen0", dst: broadcast, src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 0 && seen["vf1u"]?.frames == 5)
            #expect(try send(lab, from: "gen0", dst: multicast, src: Self.stranger)["vf0u"]?.frames == 5)
            try await accept(pf, "set port 0 vf 0 rxmode AUPE off")
            #expect(try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)["vf0u"]?.frames == 0, "untagged refused")
            #expect(try await pf.command("set vf promisc 0 0 on").contains("function not implemented"), "an i40e control on ixgbe")
        }
    }

    @Test func i40eBroadcastAllmultiAndPromiscAdmitExactlyWhatTheyShould() async throws {
        try await withNIC(model: "i40e") { lab, pf, vf in
            #expect(try send(lab, from: "gen0", dst: "02:00:00:00:77:77", src: Self.stranger)["vf0u"]?.frames == 0)
            try await accept(pf, "set vf promisc 0 0 on")
            var seen = try send(lab, from: "gen0", dst: "02:00:00:00:77:77", src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 5 && seen["vf1u"]?.frames == 0)
            try await accept(pf, "set vf allmulti 0 0 on")
            #expect(try send(lab, from: "gen0", dst: "01:00:5e:00:00:09", src: Self.stranger)["vf0u"]?.frames == 5)
            try await accept(pf, "set vf broadcast 0 0 off")
            seen = try send(lab, from: "gen0", dst: "ff:ff:ff:ff:ff:ff", src: Self.stranger)
            #expect(seen["vf0u"]?.frames == 0 && seen["vf1u"]?.frames == 5)
            // show vf stats counts what the VF took and sent; clear vf stats zeroes it.
            _ = try send(lab, from: "vf1u", dst: Self.stranger, src: vf[1], count: 3)
            let stats = try await pf.command("show vf stats 0 1")
            #expect(stats.contains("NIC statistics for port 0  vf 1  "), "\(stats)")
            #expect(stats.contains("RX-packets: 5 ") && stats.contains("TX-packets: 3 "), "\(stats)")
            try await accept(pf, "clear vf stats 0 1")
            #expect(try await pf.command("show vf stats 0 1").contains("RX-packets: 0 "))
            #expect(try await pf.command("set port 0 vf 0 rx off").contains("function not implemented"), "an ixgbe control on i40e")
            #expect(try await pf.command("show vf stats 0 7").contains("invalid vf_id 7"))
        }
    }

    /// VF 0 offers 1000-byte frames at 500/s (4 Mbit/s) for 3 s: the rate that reached the wire, in
    /// Mbit/s, and the frames.
    private func cappedRate(_ lab: FastPathLab, vf: String) throws -> (Double, Int) {
        let seen = try send(lab, from: "vf0u", dst: Self.stranger, src: vf, count: 1500, size: 1000, pps: 500)["gen0"]
        return (Double(seen?.bytes ?? 0) * 8 / 3 / 1_000_000, seen?.frames ?? 0)
    }

    @Test func aRateLimitCapsTheVFsMeasuredRate() async throws {
        try await withNIC(model: "ixgbe") { lab, pf, vf in
            try await accept(pf, "set port 0 vf 0 rate 2 queue_mask 1")
            let (mbps, frames) = try cappedRate(lab, vf: vf[0])
            #expect(abs(mbps - 2) <= 0.2, "measured \(mbps) Mbit/s through a 2 Mbit/s cap (\(frames) frames)")
        }
    }

    @Test func i40eMaxBandwidthCapsTheVFAndVLANTagOffRefusesTaggedFrames() async throws {
        try await withNIC(model: "i40e") { lab, pf, vf in
            try await accept(pf, "set vf tx max-bandwidth 0 0 2")
            let (mbps, frames) = try cappedRate(lab, vf: vf[0])
            #expect(abs(mbps - 2) <= 0.2, "measured \(mbps) Mbit/s through a 2 Mbit/s maximum (\(frames) frames)")
            try await accept(pf, "set vf tx max-bandwidth 0 0 0")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0], vlan: 7)["gen0"]?.frames == 5)
            try await accept(pf, "set vf vlan tag 0 0 off")
            var tagged = try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0], vlan: 7)
            #expect(tagged["gen0"]?.frames == 0, "the VF may not send tagged frames")
            tagged = try send(lab, from: "gen0", dst: vf[0], src: Self.stranger, vlan: 7)
            #expect(tagged["vf0u"]?.frames == 0, "nor receive them")
            #expect(try send(lab, from: "vf0u", dst: Self.stranger, src: vf[0])["gen0"]?.frames == 5, "untagged frames still pass")
        }
    }

    @Test func linkDownCutsTheWireAndBadControlsSayWhyInTestpmdsWords() async throws {
        try await withNIC(model: "i40e") { lab, pf, vf in
            try await accept(pf, "set link-down port 0")
            #expect(try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)["vf0u"]?.frames == 0)
            #expect(try await pf.command("show port info 0").contains("Link status: down"))
            try await accept(pf, "set link-up port 0")
            #expect(try send(lab, from: "gen0", dst: vf[0], src: Self.stranger)["vf0u"]?.frames == 5)
            #expect(try await pf.command("set vf mac antispoof 0 5 on").contains("invalid vf_id 5 or is_on 1"))
            #expect(try await pf.command("set vf mac antispoof 0 0 maybe").contains("Bad arguments"))
            #expect(try await pf.command("rx_vlan add 5000 port 0 vf 1").contains("invalid vlan_id 5000 or vf_mask 1"))
            #expect(try await pf.command("set vf mac addr 3 0 02:00:00:00:00:01").contains("Invalid port 3"))
            #expect(try await pf.command("set vf tc tx min-bandwidth 0 0 (20,20,20,30)").contains("invalid vf_id 0 or bandwidth"))
            try await accept(pf, "set vf tc tx min-bandwidth 0 0 (20,20,20,40)")
            #expect(try await pf.command("show port info 0").contains("Recorded without effect"))
        }
    }

    /// A kernel PF (`labrunner nic sriov`): the PF is a TAP with the NIC's name that takes its own
    /// address from the wire (not other unicast: an ixgbe PF with VFs is not unicast promiscuous) and
    /// sends onto it; a VF's driver (FastPath on the VF's interface) asks for another address with
    /// `mac_addr add port P vf V`, through the mailbox, and gives it up when the port closes.
    @Test func aKernelPFIsATapAndVFDriversAskItForAddressesThroughTheMailbox() async throws {
        try await FastPathLab.with(veths: [("up0", "gen0"), ("vf0n", "vf0u")]) { lab in
            let labrunner = CLI.root.appendingPathComponent(".build/debug/labrunner").path
            let nic = try lab.spawn("nic", [labrunner, "nic", "sriov", "--model", "ixgbe", "--uplink", "up0", "--pf", "pf0", "--vf", "vf0n=02:00:00:00:5f:00"])
            _ = try await nic.expect("ready\\r?\\n", timeout: .seconds(20))
            _ = lab.shell("ip link set pf0 up")
            let pf = lab.shell("cat /sys/class/net/pf0/address").trimmingCharacters(in: .whitespacesAndNewlines)
            var seen = try send(lab, from: "gen0", dst: pf, src: Self.stranger, listen: ["pf0", "vf0u"])
            #expect(seen["pf0"]?.frames == 5 && seen["vf0u"]?.frames == 0)
            seen = try send(lab, from: "gen0", dst: "02:00:00:00:5f:00", src: Self.stranger, listen: ["pf0", "vf0u"])
            #expect(seen["pf0"]?.frames == 0 && seen["vf0u"]?.frames == 5)
            seen = try send(lab, from: "gen0", dst: "02:00:00:00:aa:bb", src: Self.stranger, listen: ["pf0", "vf0u"])
            #expect(seen["pf0"]?.frames == 0 && seen["vf0u"]?.frames == 0, "other unicast reaches no function")
            #expect(try send(lab, from: "pf0", dst: Self.stranger, src: pf, listen: ["gen0"])["gen0"]?.frames == 5, "the PF sends on the wire")
            let vf = try await lab.fastpath("vf", ["-l", "0-1", "--no-huge", "--vdev", "net_af_packet0,iface=vf0u", "--", "-i"])
            try await accept(vf, "mac_addr add port 0 vf 0 02:00:00:00:aa:bb")
            seen = try send(lab, from: "gen0", dst: "02:00:00:00:aa:bb", src: Self.stranger, listen: ["pf0", "vf0u"])
            #expect(seen["vf0u"]?.frames == 5 && seen["pf0"]?.frames == 0, "the address the VF asked for")
            try await accept(vf, "port stop 0")
            try await accept(vf, "port close 0")
            #expect(try send(lab, from: "gen0", dst: "02:00:00:00:aa:bb", src: Self.stranger, listen: ["vf0u"])["vf0u"]?.frames == 0, "given up at close")
            #expect(try send(lab, from: "gen0", dst: "02:00:00:00:5f:00", src: Self.stranger, listen: ["vf0u"])["vf0u"]?.frames == 5, "its own stays")
            await vf.quit()
        }
    }

    /// On the virtual lab, a VF no guest takes is the host's own: a DPDK application on the host allowed
    /// its address gets the VF's end of a veth pair, and receives what the switch gives the VF (here the
    /// address its PF application set).
    @Test func aDPDKApplicationOnTheHostsOwnVFReceivesWhatItsPFGaveIt() throws {
        let lab = try LabFixture(capabilities: ["af_packet", "dpdk-pf"], emulate: ["sriov", "trafficgen"])
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: host-vf
            title: A DPDK application on a VF of the host's own
            roles:
              h1:
                kind: host
                cores: 0-3
                nics:
                  - {name: pf0, pci: "0000:01:00.0", vfs: 1}
              pf_app: {kind: forwarder, on: h1, lcores: 0-1, allow: ["0000:01:00.0"], args: -i}
              vf_app: {kind: forwarder, on: h1, lcores: 2-3, file_prefix: vf, allow: ["0000:01:10.0"], args: -i --forward-mode=rxonly}
              tgen: {kind: trafficgen, ports: [p0]}
            links:
              - {a: "tgen:p0", b: "h1:pf0"}
            sessions:
              t1: {on: h1}
              t2: {on: h1}
            steps:
              - {id: pf, on: t1, fastpath: {start: pf_app}, expect: {contains: "testpmd>"}}
              - {id: vf-mac, on: pf_app, fastpath: "set vf mac addr 0 0 02:00:00:00:5f:01", expect: {not_contains: invalid}}
              - {id: vf, on: t2, fastpath: {start: vf_app}, expect: {contains: "testpmd>"}}
              - {id: rx, on: vf_app, fastpath: start}
              - {id: other, on: tgen, traffic: {port: p0, dst_mac: "02:00:00:00:77:77", rate: 1kpps, duration: 1s}}
              - {id: send, on: tgen, traffic: {port: p0, dst_mac: "02:00:00:00:5f:01", rate: 1kpps, duration: 1s}}
              - {id: settle, wait: 300ms}
              - id: count
                on: vf_app
                fastpath: show port stats 0
                capture:
                  vf: {parse: port-stats}
                expect:
                  that:
                    - {value: vf.0.rx_packets, ge: 900, doc: the VF's address reaches it}
                    - {value: vf.0.rx_packets, le: 1100, doc: the other address does not}
            always:
              - {id: quit-vf, on: vf_app, fastpath: quit}
              - {id: quit-pf, on: pf_app, fastpath: quit}
            """)
        let plan = CLI.run(["plan", file, "--lab", lab.lab.path])
        #expect(plan.stdout.contains("--vdev net_af_packet0,iface=pf0v0 --no-pci"), "\(plan.stdout)")
        #expect(plan.stdout.contains("vf0=w-pf0v0"), "\(plan.stdout)")
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        #expect(lab.namespaces().isEmpty)
    }
}
