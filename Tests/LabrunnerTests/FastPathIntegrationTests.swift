import Foundation
import Testing

@testable import LabrunnerKit

/// The fastpath binary on kernel ports in a namespace of the test's own: AF_PACKET rings on veth
/// pairs, a TAP exception path, pcap files tcpdump reads, pdump attached to a running forwarder — and
/// its output read by the same parsers that read dpdk-testpmd.
@Suite(.serialized) struct FastPathIntegrationTests {
    /// A tagged frame keeps its 802.1Q tag through an af_packet port: the kernel takes the tag out into
    /// the frame's metadata, and FastPath puts it back.
    @Test func afPacketKeepsVLANTags() async throws {
        try await FastPathLab.with(veths: [("g0", "f0"), ("f1", "s1")]) { lab in
            let fwd = try await lab.fastpath("fwd", ["-l", "0-1", "--vdev", "net_af_packet0,iface=f0", "--vdev", "net_af_packet1,iface=f1", "--", "-i"])
            try await fwd.command("start")
            let text = lab.shell("python3 \(SRIOVNICTests.script) g0 02:00:00:00:00:02 02:00:00:00:00:01 42 5 64 0 s1")
            #expect(text.contains(#""s1": {"frames": 5, "vlans": [42]"#), "\(text)")
            let untagged = lab.shell("python3 \(SRIOVNICTests.script) g0 02:00:00:00:00:02 02:00:00:00:00:01 0 5 64 0 s1")
            #expect(untagged.contains(#""s1": {"frames": 5, "vlans": [null]"#), "\(untagged)")
            await fwd.quit()
        }
    }

    @Test func afPacketForwardsProbesBetweenVethsWithoutLoss() async throws {
        // gen:g0 ── f0:[fwd io]:f1 ── s1:sink
        try await FastPathLab.with(veths: [("g0", "f0"), ("f1", "s1")]) { lab in
            let sink = try await lab.fastpath(
                "sink", ["-l", "0-1", "--file-prefix", "sink", "--vdev", "net_af_packet0,iface=s1", "--", "-i", "--forward-mode=rxonly"])
            let fwd = try await lab.fastpath(
                "fwd", ["-l", "0-1", "--file-prefix", "fwd", "--vdev", "net_af_packet0,iface=f0", "--vdev", "net_af_packet1,iface=f1", "--", "-i"])
            let gen = try await lab.fastpath(
                "gen",
                [
                    "-l", "0-1", "--file-prefix", "gen", "--vdev", "net_af_packet0,iface=g0", "--", "-i",
                    "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=5000", "--txpkts=60",
                ])
            try await sink.command("start")
            try await fwd.command("start")
            let started = ContinuousClock.now
            try await gen.command("start")
            try await Task.sleep(for: .seconds(1))
            try await gen.command("stop")
            let elapsed = ContinuousClock.now - started
            try await Task.sleep(for: .milliseconds(300))
            try await fwd.command("stop")
            try await sink.command("stop")
            let sent = Int(try await gen.stats(0)["0.tx_packets"] ?? "") ?? -1
            let forwarded = try await fwd.stats(0)
            let probes = try await sink.command("show port probes 0")
            // The generator kept to its rate (5 kpps) over however long start-to-stop took on a busy machine.
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            #expect(sent > 2000 && Double(sent) <= 5000 * seconds * 1.05 + 100)
            #expect(forwarded["0.rx_packets"] == "\(sent)")
            #expect(try await fwd.stats(1)["1.tx_packets"] == "\(sent)")
            #expect(probes.contains("received \(sent) lost 0 late 0"))
            let info = try PortInfoParser().parse(try await fwd.command("show port info 0"))
            #expect(info["0.driver"] == "net_af_packet" && info["0.link"] == "up")
            #expect(info["0.mac"] == lab.shell("cat /sys/class/net/f0/address").trimmingCharacters(in: .whitespacesAndNewlines).uppercased())
        }
    }

    @Test(arguments: ["skb", "native"])
    func afXDPCarriesProbesBetweenVeths(mode: String) async throws {
        try await FastPathLab.with(veths: [("xg", "xs")]) { lab in
            let sink = try await lab.fastpath(
                "sink",
                [
                    "-l", "0-1", "--file-prefix", "sink", "--vdev", "net_af_xdp0,iface=xs,xdp_mode=\(mode)", "--", "-i",
                    "--forward-mode=rxonly", "--port-topology=loop",
                ])
            let gen = try await lab.fastpath(
                "gen",
                [
                    "-l", "0-1", "--file-prefix", "gen", "--vdev", "net_af_xdp0,iface=xg,xdp_mode=\(mode)", "--", "-i",
                    "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=5000",
                ])
            #expect(lab.shell("ip link show xs").contains("xdp"))
            try await sink.command("start")
            try await gen.command("start")
            try await Task.sleep(for: .milliseconds(600))
            try await gen.command("stop")
            try await Task.sleep(for: .milliseconds(200))
            try await sink.command("stop")
            let sent = Int(try await gen.stats(0)["0.tx_packets"] ?? "") ?? -1
            #expect(sent > 1000)
            #expect(try await sink.command("show port probes 0").contains("received \(sent) lost 0 late 0"))
            try await sink.session.send("quit")
            try await Task.sleep(for: .milliseconds(300))
            // The program went with its bpf link: the interface is back to the kernel's path.
            #expect(!lab.shell("ip link show xs").contains("xdp"))
        }
    }

    @Test func tapIsTheKernelExceptionPath() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let fp = try await lab.fastpath(
                "tap", ["-l", "0-1", "--vdev", "net_tap0,iface=fptap0", "--", "-i", "--forward-mode=rxonly", "--port-topology=loop"])
            _ = lab.shell("ip addr add 198.51.100.1/24 dev fptap0")
            try await fp.command("start")
            // The kernel resolves the neighbour: its ARP requests leave through the TAP into FastPath.
            _ = lab.shell("busybox ping -c 2 -W 1 198.51.100.2")
            try await fp.command("stop")
            let rx = Int(try await fp.stats(0)["0.rx_packets"] ?? "") ?? 0
            #expect(rx >= 1)
            // And the other way: frames FastPath sends appear on the kernel interface.
            let before = Int(lab.shell("cat /sys/class/net/fptap0/statistics/rx_packets").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            try await fp.command("set fwd txonly")
            try await fp.command("start")
            try await Task.sleep(for: .milliseconds(200))
            try await fp.command("stop")
            let sent = Int(try await fp.stats(0)["0.tx_packets"] ?? "") ?? 0
            let after = Int(lab.shell("cat /sys/class/net/fptap0/statistics/rx_packets").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
            #expect(sent > 0 && after - before == sent)
        }
    }

    @Test func pcapFilesRoundTripThroughTcpdump() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let first = lab.directory.appendingPathComponent("gen.pcap").path
            let second = lab.directory.appendingPathComponent("copy.pcap").path
            let gen = try await lab.fastpath(
                "gen",
                [
                    "-l", "0-1", "--file-prefix", "gen", "--vdev", "net_pcap0,tx_pcap=\(first)", "--", "-i",
                    "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=1000", "--txpkts=60",
                ])
            try await gen.command("start")
            try await Task.sleep(for: .milliseconds(500))
            try await gen.command("stop")
            let sent = Int(try await gen.stats(0)["0.tx_packets"] ?? "") ?? -1
            try await gen.session.send("quit")
            try await Task.sleep(for: .milliseconds(300))
            let dump = CLI.shell("tcpdump -nr \(first) 2>&1")
            #expect(dump.contains("reading from file \(first), link-type EN10MB (Ethernet)"))
            #expect(dump.contains("198.18.0.1.9 > 198.18.0.2.9: UDP, length 18"))
            #expect(dump.split(separator: "\n").filter { $0.contains("UDP, length 18") }.count == sent)
            // Replayed by another FastPath (rx_pcap) through io forwarding into a second file: same frames.
            let copy = try await lab.fastpath(
                "copy",
                [
                    "-l", "0-1", "--file-prefix", "copy", "--vdev", "net_pcap0,rx_pcap=\(first)",
                    "--vdev", "net_pcap1,tx_pcap=\(second)", "--", "-i",
                ])
            try await copy.command("start")
            try await Task.sleep(for: .milliseconds(300))
            try await copy.command("stop")
            #expect(try await copy.stats(1)["1.tx_packets"] == "\(sent)")
            try await copy.session.send("quit")
            try await Task.sleep(for: .milliseconds(300))
            let payloads = { (file: String) in CLI.shell("tcpdump -nxr \(file) 2>/dev/null | grep -v '^[0-9]'") }
            #expect(payloads(first) == payloads(second) && !payloads(first).isEmpty)
        }
    }

    @Test func pdumpCapturesARunningForwarder() async throws {
        try await FastPathLab.with(veths: [("g0", "f0")]) { lab in
            let capture = lab.directory.appendingPathComponent("capture.pcap").path
            let fwd = try await lab.fastpath(
                "fwd",
                [
                    "-l", "0-1", "--file-prefix", "primary", "--vdev", "net_af_packet0,iface=f0", "--", "-i",
                    "--forward-mode=rxonly", "--port-topology=loop",
                ])
            try await fwd.command("start")
            let pdump = try lab.spawn("pdump", [CLI.binary, "pdump", "--file-prefix", "primary", "--", "--pdump", "port=0,queue=*,rx-dev=\(capture)"])
            _ = try await pdump.expect("Press Ctrl-C to stop\\s*$", timeout: .seconds(20))
            let gen = try await lab.fastpath(
                "gen",
                [
                    "-l", "0-1", "--file-prefix", "gen", "--vdev", "net_af_packet0,iface=g0", "--", "-i",
                    "--forward-mode=txonly", "--port-topology=loop", "--tx-pps=2000", "--txpkts=60",
                ])
            try await gen.command("start")
            try await Task.sleep(for: .milliseconds(500))
            try await gen.command("stop")
            try await Task.sleep(for: .milliseconds(300))
            try await pdump.send("\u{03}")
            let stats = try await pdump.expect("packets freed: +0\\s*$", timeout: .seconds(10)).text
            try await fwd.command("stop")
            let received = Int(try await fwd.stats(0)["0.rx_packets"] ?? "") ?? -1
            let dump = CLI.shell("tcpdump -nr \(capture) 2>&1")
            let captured = dump.split(separator: "\n").filter { $0.contains("UDP, length 18") }.count
            #expect(received > 500)
            #expect(captured == received)
            #expect(stats.contains("packets dequeued:            \(received)"))
            // Only one pdump at a time, and a missing primary is a clear error.
            let missing = CLI.run(["pdump", "--file-prefix", "nobody", "--", "--pdump", "port=0,queue=*,rx-dev=/dev/null"])
            #expect(missing.status == 2 && missing.stderr.contains("cannot reach the primary process"))
        }
    }

    @Test func bondFailsOverWhenTheActiveSlaveLosesCarrier() async throws {
        // generator c1 ── c0:[port 2 ↔ bond 3 {a0, b0}] ── a1 / b1 (counted by the generator)
        try await FastPathLab.with(veths: [("a0", "a1"), ("b0", "b1"), ("c0", "c1")]) { lab in
            let fp = try await lab.fastpath(
                "bond",
                [
                    "-l", "0-1", "--vdev", "net_af_packet0,iface=a0", "--vdev", "net_af_packet1,iface=b0",
                    "--vdev", "net_af_packet2,iface=c0", "--", "-i",
                ])
            try await fp.command("create bonded device 1 0")
            try await fp.command("add bonding slave 0 3")
            try await fp.command("add bonding slave 1 3")
            try await fp.command("port start 3")
            try await fp.command("set portlist 2,3")
            try await fp.command("start")
            let rate = 2000.0
            _ = lab.shell("\(CLI.binary) traffic start --port c1 --rx-port a1 --rx-port b1 --rate 2kpps")
            try await Task.sleep(for: .milliseconds(500))
            _ = lab.shell("ip link set a1 down")  // a0 loses carrier
            try await Task.sleep(for: .milliseconds(500))
            let report = lab.shell("\(CLI.binary) traffic stop --port c1")
            let config = try BondingConfigParser().parse(try await fp.command("show bonding config 3"))
            try await fp.command("stop")
            let number = { (key: String) in Int(report.firstMatch(of: try! Regex("\"\(key)\": (\\d+)"))?.output[1].substring ?? "") ?? -1 }
            #expect(number("sent") > 1500)
            // Lost only while the link monitor noticed (it looks every 50 ms): at most 150 ms of traffic,
            // leaving room for a busy machine's scheduling.
            #expect(number("sent") - number("received") <= Int(rate * 0.15), "\(report)")
            #expect(config["active_slaves"] == "1" && config["current_primary"] == "1")
            #expect(Int(try await fp.stats(1)["1.tx_packets"] ?? "") ?? 0 > 500)  // counted on the slave, as DPDK does
        }
    }

    @Test func trafficLapsReportEachIntervalWhileTheProbesGoOn() async throws {
        try await FastPathLab.with(veths: [("ta", "ta2"), ("tb", "tb2")]) { lab in
            // ta → bridge → tb: taking the bridge's port tb2 down cuts the probes off without ta losing its carrier.
            _ = lab.shell("ip link add name tbr type bridge && ip link set ta2 master tbr && ip link set tb2 master tbr && ip link set tbr up")
            func report(_ action: String) throws -> [String: Double] {
                let text = lab.shell("\(CLI.binary) traffic \(action) --port ta")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
                return object.compactMapValues { $0 as? Double ?? ($0 as? Int).map(Double.init) }
            }
            _ = lab.shell("\(CLI.binary) traffic start --port ta --rx-port tb --rate 10kpps")
            try await Task.sleep(for: .seconds(1))
            let clean = try report("lap")
            #expect(clean["sent", default: 0] > 5000 && clean["lost"] == 0 && clean["outage", default: 99] < 20, "\(clean)")
            _ = lab.shell("ip link set tb2 down; sleep 0.3; ip link set tb2 up")
            try await Task.sleep(for: .milliseconds(500))
            let cut = try report("lap")
            #expect(cut["outage", default: 0] >= 250 && cut["outage", default: 0] < 1000 && cut["lost", default: 0] >= 2000, "\(cut)")
            // Probes that have stopped coming back when the lap ends: the silence so far is its outage.
            _ = lab.shell("ip link set tb2 down; sleep 0.2")
            let going = try report("lap")
            #expect(going["outage", default: 0] >= 150 && going["loss", default: 0] > 50, "\(going)")
            _ = lab.shell("ip link set tb2 up")
            try await Task.sleep(for: .milliseconds(300))
            // That silence ends in the next lap: the part of it after the last lap's end is this lap's
            // outage, and its loss the probes sent in that part (10 a millisecond).
            let after = try report("lap")
            let outage = after["outage", default: 0], lost = after["lost", default: 0]
            #expect(outage >= 30 && lost >= 300 && abs(lost - outage * 10) <= max(30, outage), "\(after)")
            let whole = try report("stop")
            #expect(whole["lost", default: 0] >= cut["lost", default: 0] && whole["outage", default: 0] >= 250, "\(whole)")
            // A run that got nothing back has an outage as long as the run, not none.
            _ = lab.shell("ip link set tb2 down")
            let nothing = lab.shell("\(CLI.binary) traffic run --port ta --rx-port tb --rate 1kpps --duration 500ms")
            #expect(nothing.contains("\"received\": 0,") && (Double(nothing.firstMatch(of: /"outage": ([0-9.]+)/)?.output.1 ?? "") ?? 0) >= 400, "\(nothing)")
        }
    }

    @Test func idleForwardersSleepUnlessToldToBusyPoll() async throws {
        try await FastPathLab.with(veths: [("i0", "i1"), ("j0", "j1")]) { lab in
            // Two forwarders on idle AF_PACKET ports, on the same forwarding CPU: one adaptive, one busy-polling.
            let calm = try await lab.fastpath(
                "calm", ["-l", "0-1", "--file-prefix", "calm", "--vdev", "net_af_packet0,iface=i0", "--", "-i", "--port-topology=loop"])
            let busy = try await lab.fastpath(
                "busy", ["-l", "0-1", "--file-prefix", "busy", "--vdev", "net_af_packet0,iface=j0", "--", "-i", "--port-topology=loop", "--no-adaptive"])
            try await calm.command("start")
            try await busy.command("start")
            let pids = lab.shell("ip netns pids \(lab.namespace)").split(separator: "\n").compactMap { Int32($0.trimmingCharacters(in: .whitespaces)) }
            func cpu() -> [String: Double] {
                var out = [String: Double]()
                for pid in pids {
                    guard let cmdline = try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8), cmdline.contains("fastpath"),
                        let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)
                    else { continue }
                    let fields = stat.split(separator: ")").last!.split(separator: " ")
                    out[cmdline.contains("calm") ? "calm" : "busy"] = (Double(fields[11])! + Double(fields[12])!) / Double(sysconf(Int32(_SC_CLK_TCK)))
                }
                return out
            }
            let before = cpu()
            try await Task.sleep(for: .seconds(1))
            let after = cpu()
            let calmCPU = after["calm"]! - before["calm"]!, busyCPU = after["busy"]! - before["busy"]!
            #expect(calmCPU < 0.1, "adaptive forwarder used \(calmCPU) s of CPU in 1 s idle")
            #expect(busyCPU > 0.1 && busyCPU > 5 * calmCPU, "busy-polling forwarder used only \(busyCPU) s (adaptive: \(calmCPU) s)")
            // It still wakes for traffic at once.
            _ = lab.shell("\(CLI.binary) traffic run --port i1 --rate 1kpps --duration 300ms")
            try await calm.command("stop")
            #expect(Int(try await calm.stats(0)["0.rx_packets"] ?? "") ?? 0 >= 290)
        }
    }

    @Test func controlSocketAnswersInJSON() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let socket = lab.directory.appendingPathComponent("ctl.sock").path
            let fp = try await lab.fastpath("ctl", ["-l", "0-1", "--control-socket", socket, "--vdev", "net_null0", "--vdev", "net_null1", "--", "-i"])
            var st = stat()
            #expect(stat(socket, &st) == 0 && st.st_mode & 0o777 == 0o600)
            let fd = try #require(try? await UnixSocket.connect(socket, until: .now + .seconds(5)).get())
            defer { close(fd) }
            func ask(_ line: String) throws -> [String: Any] {
                _ = (line + "\n").withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
                var bytes = [UInt8]()
                var byte: UInt8 = 0
                while read(fd, &byte, 1) == 1 && byte != 0x0A { bytes.append(byte) }
                return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
            }
            #expect(try ask(#"{"command": "start"}"#)["ok"] as? Bool == true)
            try await Task.sleep(for: .milliseconds(200))
            let stats = try ask(#"{"stats": "all"}"#)
            let ports = try #require(stats["ports"] as? [[String: Any]])
            #expect(stats["forwarding"] as? Bool == true && ports.count == 2)
            #expect((ports[0]["rx_packets"] as? Int ?? 0) > 1000 && ports[1]["name"] as? String == "net_null1")
            let text = try ask(#"{"command": "show port stats 0"}"#)
            #expect(try PortStatsParser().parse(text["output"] as? String ?? "")["0.rx_packets"] != nil)
            let bad = try ask(#"{"command": "set fwd nonsense"}"#)
            #expect(bad["ok"] as? Bool == false && (bad["output"] as? String ?? "").hasPrefix("Bad arguments"))
            #expect(try ask("not json")["ok"] as? Bool == false)
            // Clients that hang up before their answer leave FastPath serving (EPIPE, not SIGPIPE).
            for _ in 0..<5 {
                let gone = try #require(try? await UnixSocket.connect(socket, until: .now + .seconds(5)).get())
                _ = #"{"command": "show port info all"}"#.appending("\n").withCString { write(gone, $0, strlen($0)) }
                close(gone)
            }
            try await Task.sleep(for: .milliseconds(300))
            #expect(try ask(#"{"command": "show port stats 0"}"#)["ok"] as? Bool == true)
            // quit over the socket ends the process; the prompt's session sees it leave.
            #expect(try ask(#"{"command": "quit"}"#)["quit"] as? Bool == true)
            _ = try? await fp.session.expect("Bye\\.\\.\\.\\s*$", timeout: .seconds(10))
            try await Task.sleep(for: .milliseconds(200))
            #expect(!FileManager.default.fileExists(atPath: socket))
        }
    }

    @Test func bondingConfigAndStatsReadByTheEngineParsers() async throws {
        try await FastPathLab.with(veths: []) { lab in
            let fp = try await lab.fastpath("bond", ["-l", "0-1", "--vdev", "net_null0", "--vdev", "net_null1", "--", "-i"])
            #expect(try await fp.command("create bonded device 1 0").contains("Created new bonded device net_bonding_testpmd_0 on (port 2)."))
            try await fp.command("add bonding slave 0 2")
            try await fp.command("add bonding slave 1 2")
            try await fp.command("set bonding primary 1 2")
            let config = try BondingConfigParser().parse(try await fp.command("show bonding config 2"))
            #expect(config["mode"] == "1" && config["slaves"] == "0 1" && config["primary"] == "1" && config["active_count"] == "2")
            #expect(try await fp.command("bogus command").contains("Command not found"))
            #expect(try await fp.command("show port stats 7").contains("Invalid port 7"))
            try await fp.command("start")
            try await Task.sleep(for: .milliseconds(300))
            try await fp.command("stop")
            let memory = try await fp.command("show memory")
            #expect(memory.contains("Allocations in forwarding loops: 0 over "))
            #expect(!memory.contains("since start: 0\r") && !memory.contains("since start: 0\n"))
        }
    }
}
