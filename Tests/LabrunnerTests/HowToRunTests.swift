import FastPath
import Foundation
import Testing

@testable import LabrunnerKit

/// Shipped how-tos run for real on the virtual lab (namespaces of the test's own prefix).
@Suite struct HowToRunTests {
    @Test func pdumpHowToCapturesWhatTheGeneratorSent() throws {
        let lab = try LabFixture(capabilities: ["af_packet", "pcap", "pdump"])
        defer { lab.tearDown() }
        let capture = lab.directory.appendingPathComponent("capture.pcap").path
        let result = lab.run(CLI.root.appendingPathComponent("scenarios/pdump.yaml").path, "--set", "capture_file=\(capture)")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let run = try lab.runJSON()
        let steps = try #require(run["steps"] as? [[String: Any]])
        #expect(steps.count == 8 && steps.allSatisfy { $0["status"] as? String == "passed" })
        let traffic = try lab.stepLog("traffic")
        let inspect = try lab.stepLog("inspect")
        let sent = traffic.firstMatch(of: /"sent": (\d+)/).map { Int($0.1)! } ?? -1
        #expect(sent >= 900 && sent <= 1100)  // 1 kpps for 1 s
        // Every frame FastPath's port 0 received went into pdump's file, and only those; on a busy
        // machine the kernel may drop a few before FastPath sees them (counted as RX-dropped).
        let quit = try lab.stepLog("quit")
        let port0 = try #require(quit.firstMatch(of: /Forward statistics for port 0\s+-+\s+RX-packets: (\d+)\s+RX-dropped: (\d+)/))
        let received = Int(port0.1)!, dropped = Int(port0.2)!
        let captured = inspect.split(separator: "\n").filter { $0.contains("203.0.113.4.9 > 203.0.113.3.9: UDP, length 18") }.count
        #expect(captured == received)
        #expect(received + dropped <= sent && received >= sent * 9 / 10, "sent \(sent), received \(received), dropped \(dropped)")
        #expect(lab.namespaces().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: capture))  // the always step removed it
    }

    @Test func virtioUserContainerHowToPassesPacketsBetweenTheHostAndTheContainer() throws {
        let lab = try LabFixture(capabilities: ["vhost-user", "hugepages"])
        defer { lab.tearDown() }
        let socket = lab.directory.appendingPathComponent("work/sock0").path
        let result = lab.run(CLI.root.appendingPathComponent("scenarios/virtio-user-container.yaml").path, "--set", "socket=\(socket)")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.filter { $0["status"] as? String == "passed" }.count == 10, "\(steps)")
        // The container's FastPath reached the host's socket only through the volume, at the guide's path.
        let info = try lab.stepLog("container-link")
        #expect(info.contains("Devargs: path=/var/run/usvhost"))
        #expect(!FileManager.default.fileExists(atPath: "/var/run/usvhost"))
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// Both flow-bifurcation how-tos on the emulated NIC: every rule's flow reaches its VF (FastPath's
    /// port) or PF queue and nothing else, and what no rule matches reaches the kernel.
    @Test(arguments: [("flow-bifurcation-ixgbe", 19), ("flow-bifurcation-i40e", 33)])
    func flowBifurcationHowToSplitsTrafficBetweenTheVFsAndTheKernel(name: String, passed: Int) throws {
        let lab = try LabFixture(capabilities: ["af_xdp", "ntuple", "cloud-filter"], emulate: ["flow-steering"])
        defer { lab.tearDown() }
        let result = lab.run(CLI.root.appendingPathComponent("scenarios/\(name).yaml").path)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.filter { $0["status"] as? String == "passed" }.count == passed, "\(steps)")
        // Only the steps of real hardware are skipped: creating and binding VFs, the i40e driver's own.
        for step in steps where step["status"] as? String == "skipped" {
            let reason = step["reason"] as? String ?? step["message"] as? String ?? ""
            #expect(["sriov", "vfio", "physical-nic"].contains { reason.hasSuffix("lacks \($0) on host_server_1") }, "\(step)")
        }
        #expect(lab.namespaces().isEmpty)
        let pins = (try? FileManager.default.contentsOfDirectory(atPath: EmulatedNIC.root)) ?? []
        #expect(!pins.contains { $0.hasPrefix("nic-") }, "\(pins)")
    }

    /// The VF daemon how-to on the emulated SR-IOV NIC, for each model: the PF application (FastPath's
    /// `net_sriov`) programs the VF of a TCG guest, and every control the generator can show is
    /// checked by what reaches the guest's VF application.
    @Test(arguments: [("ixgbe", 63), ("i40e", 81)])
    func vfDaemonHowToProgramsTheGuestsVFFromThePF(nic: String, passed: Int) throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/fastpath.img"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["af_packet", "dpdk-pf"], emulate: ["sriov"])
        defer { lab.tearDown() }
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/vf-daemon.yaml").path, "--set", "nic=\(nic)", "--set", "vm_vcpus=2", "--set", "vf_lcores=0-1",
            "--set", "pf_lcores=0-1")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.filter { $0["status"] as? String == "passed" }.count == passed, "\(steps)")
        // Only what needs real hardware is skipped: the PF's bind, creating the VF, the VF driver's own view.
        for step in steps where step["status"] as? String == "skipped" {
            let reason = step["reason"] as? String ?? step["message"] as? String ?? ""
            #expect(reason.hasPrefix("when ") || ["igb_uio", "sriov", "physical-nic"].contains { reason.hasSuffix("lacks \($0) on host_server_1") }, "\(step)")
        }
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// The bonded-VF migration how-to on the emulated SR-IOV NICs with kernel PFs: the guest's FastPath
    /// bonds the VF (primary) with virtio, the VF is released and hot-unplugged, the guest migrates to
    /// host 2, gets a VF there, attaches it by its PCI address and makes it primary again; the
    /// generator's probes come back through the VF before and after (their outage in between is the
    /// how-to's: nothing takes the VF's address while the VF is gone).
    @Test func sriovBondMigrationHowToMovesTheGuestAndRestoresItsVF() throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/fastpath.img"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["af_packet", "bridge"], emulate: ["sriov", "switch", "trafficgen"])
        defer { lab.tearDown() }
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/sriov-bond-migration.yaml").path, "--set", "vm_vcpus=2", "--set", "vm_lcores=0-1", "--set",
            "vm_hugepages=16")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.filter { $0["status"] as? String == "passed" }.count == 88, "\(steps)")
        for step in steps where step["status"] as? String == "skipped" {
            let reason = step["reason"] as? String ?? step["message"] as? String ?? ""
            #expect(
                reason.hasPrefix("when ")
                    || ["sriov on host_server", "igb_uio on host_server_1", "testpoint on switch_1"].contains { reason.contains("lacks \($0)") },
                "\(step)")
        }
        #expect(result.stdout.contains("figures: vf_stage.loss="), "\(result.stdout)")
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// A VF address the NIC refuses (a group address) fails the how-to with testpmd's error as the actual output.
    @Test func aVFAddressTheNICRefusesFailsTheVFDaemonHowTo() throws {
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["af_packet", "dpdk-pf"], emulate: ["sriov"])
        defer { lab.tearDown() }
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/vf-daemon.yaml").path, "--set", "vf_mac=01:00:5e:00:00:05", "--set", "vm_vcpus=2", "--set",
            "vf_lcores=0-1", "--set", "pf_lcores=0-1")
        #expect(result.status == 1)
        #expect(result.stdout.contains(#"FAIL vf-mac.cmd"#) && result.stdout.contains(#"actual "invalid vf_id 0 or mac_addr""#), "\(result.stdout)")
        #expect(lab.namespaces().isEmpty)
    }

    /// The exception path without vhost-net: the virtio_user port is a tap on tap0, and both ways are
    /// counted where they land (the kernel's tap0 for the NIC's traffic, FastPath's NIC port for what the
    /// kernel's stack sends on tap0).
    @Test func virtioUserExceptionPathHowToPassesTrafficBothWaysThroughTap0() throws {
        let lab = try LabFixture(capabilities: ["af_packet", "tap"])
        defer { lab.tearDown() }
        let result = lab.run(CLI.root.appendingPathComponent("scenarios/virtio-user-exception-path.yaml").path)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.filter { $0["status"] as? String == "passed" }.count == 12, "\(steps)")
        #expect(steps.first { $0["id"] as? String == "vhost-net" }?["status"] as? String == "skipped")
        #expect(lab.namespaces().isEmpty)
    }

    /// A flow the scenario says the kernel gets but a rule sends to a VF fails the how-to, saying what
    /// was expected and what was counted.
    @Test func aFlowStolenByARuleFailsTheBifurcationHowTo() throws {
        let lab = try LabFixture(capabilities: ["af_xdp", "ntuple"], emulate: ["flow-steering"])
        defer { lab.tearDown() }
        let result = lab.run(CLI.root.appendingPathComponent("scenarios/flow-bifurcation-ixgbe.yaml").path, "--set", "other_host=192.0.2.2")
        #expect(result.status != 0)
        #expect(result.stdout.contains("FAIL after-other"), "\(result.stdout)")
        #expect(result.stdout.contains(#/delta unmatched\.0\.rx_packets since vf1 == 0 .*: expected == 0, actual \d{4} /#), "\(result.stdout)")
        #expect(lab.namespaces().isEmpty)
    }

    /// Both of the guide's ways to launch the VM: QEMU, and libvirt (the host's own libvirtd in its
    /// namespace defines and starts the domain, and destroys and undefines it at the end).
    /// PVP through the TCG guest's FastPath, the VM started by QEMU or libvirt, the host's forwarder the
    /// lab's (FastPath) or DPDK's own testpmd (`host_program=testpmd`: this machine's dpdk-testpmd on the
    /// same af_packet and vhost-user ports).
    @Test(arguments: [("qemu", "lab"), ("libvirt", "lab"), ("qemu", "testpmd")])
    func pvpHowToForwardsThroughTheGuestsFastPath(launch: String, host: String) throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/fastpath.img"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd", "af_packet", "hugepages", "libvirt"])
        defer { lab.tearDown() }
        // dpdk-testpmd takes only this machine's two CPUs, and 22.11's refuses the guide's --disable-hw-vlan.
        let testpmd =
            host == "testpmd"
            ? ["--set", "host_program=testpmd", "--set", "host_lcores=0-1", "--set", "host_nb_cores=1", "--set", "vm_pin=2-4", "--set", "hw_vlan_option="]
            : []
        // The TCG guest forwards thousands of packets a second, not the guide's 14.88 Mpps; an emulated
        // vCPU held off the CPU for a moment may cost a packet, so the run accepts 1 % of loss.
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/pvp.yaml").path,
            ["--set", "rate=2kpps", "--set", "duration=2s", "--set", "acceptable_loss=1%", "--set", "launch=\(launch)"] + testpmd)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        // The host's forwarder is the program asked for: DPDK's EAL speaks first in dpdk-testpmd.
        #expect(try lab.stepLog("host-testpmd").contains("EAL: Detected CPU lcores") == (host == "testpmd"))
        let launched = launch == "qemu" ? ["PASS vm-qemu", "PASS stop-vm"] : ["PASS define", "PASS start", "PASS destroy-vm", "PASS undefine-vm"]
        for line in launched { #expect(result.stdout.contains(line), "\(line) in \(result.stdout)") }
        let traffic = try lab.stepLog("traffic")
        let sent = traffic.firstMatch(of: /"sent": (\d+)/).map { Int($0.1)! } ?? -1
        let received = traffic.firstMatch(of: /"received": (\d+)/).map { Int($0.1)! } ?? -1
        #expect(sent >= 3600 && received >= sent * 99 / 100 && received <= sent, "\(traffic)")
        // Everything that came back went through the guest's FastPath (af_packet on its two virtio-net
        // interfaces), and it forwarded no more than reached it.
        let guest = try PortStatsParser().parse(try lab.stepLog("guest-stats"))
        let guestIn = Int(guest["0.rx_packets"] ?? "") ?? -1, guestOut = Int(guest["1.tx_packets"] ?? "") ?? -1
        #expect(guestIn <= sent && guestOut <= guestIn && guestOut >= received, "\(guest)")
        #expect(lab.namespaces().isEmpty)
        #expect(lab.leftoverProcesses().isEmpty)
    }

    /// The virtual lab in SSH mode, as a real lab is reached: pdump and PVP pass with every step on a
    /// host sent over SSH (from the lab's client namespace, to the sshd in each host's namespace): the
    /// forwarders, pdump and the generator run from the hosts' own labrunner there, PVP's QEMU runs on
    /// its host with its monitor and console relayed over SSH; nothing is left behind.
    @Test(arguments: ["pdump", "pvp"]) func aHowToRunsOnTheVirtualLabInSSHMode(howTo: String) throws {
        #expect(FileManager.default.fileExists(atPath: "\(MigrationTests.guest)/fastpath.img"), "run: labrunner lab build-guest")
        let lab = try LabFixture(
            guest: MigrationTests.guest, capabilities: ["af_packet", "pcap", "pdump", "vhost-user", "memfd", "hugepages"], overSSH: true)
        defer { lab.tearDown() }
        let file = CLI.root.appendingPathComponent("scenarios/\(howTo).yaml").path
        let options =
            howTo == "pdump"
            ? ["--set", "capture_file=\(lab.directory.path)/capture.pcap"]
            : ["--set", "rate=2kpps", "--set", "duration=2s", "--set", "acceptable_loss=1%"]
        let plan = CLI.run(["plan", file, "--lab", lab.lab.path] + options)
        #expect(plan.stdout.contains("ssh: an sshd in every host's namespace; labrunner reaches the hosts only over SSH, from \(lab.prefix).ssh"))
        let result = lab.runBootingGuests(file, options)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        #expect(result.stdout.contains(howTo == "pdump" ? "8 passed" : "17 passed"), "\(result.stdout)")
        // Every step that ran on a host went over SSH (the plan's targets of the steps that passed); none
        // entered a namespace.
        let planned = CLI.run(["plan", file, "--lab", lab.lab.path, "--format", "json"] + options)
        let planSteps = try #require(try JSONSerialization.jsonObject(with: Data(planned.stdout.utf8)) as? [String: Any])["steps"] as? [[String: Any]]
        let passed = Set(
            try #require(try lab.runJSON()["steps"] as? [[String: Any]]).filter { $0["status"] as? String == "passed" }.compactMap { $0["id"] as? String })
        let targets = (planSteps ?? []).filter { passed.contains($0["id"] as? String ?? "") }.compactMap { $0["target"] as? String }
        #expect(!targets.isEmpty && !targets.contains { $0.contains("ip netns exec") }, "\(targets)")
        #expect(targets.filter { $0.contains("(ssh root@198.51.100.") || $0.hasPrefix("ssh root@198.51.100.") }.count >= 5, "\(targets)")
        let log = try String(contentsOf: try lab.runDirectory().appendingPathComponent("labrunner.log"), encoding: .utf8)
        #expect(log.contains("ssh: connected to root@198.51.100.10:22") && log.contains("ssh: connected to root@198.51.100.11:22"), "\(log.prefix(2000))")
        let traffic = try lab.stepLog("traffic")
        #expect(traffic.contains("FastPath: the host's own labrunner"), "\(traffic)")
        if howTo == "pvp" {
            // QEMU ran on the host, its log brought back into the run directory.
            let qemuLog = try lab.runDirectory().appendingPathComponent("vms/vm.log")
            #expect(FileManager.default.fileExists(atPath: qemuLog.path))
            #expect(
                try String(contentsOf: try lab.runDirectory().appendingPathComponent("ledger.jsonl"), encoding: .utf8).contains("vm on ssh root@198.51.100.10"))
        }
        #expect(lab.namespaces().isEmpty)
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: "\(lab.directory.path)/work/ssh"))
    }

    /// PVP as the benchmark: the search finds the TCG guest's NDR and PDR from the same trials, every
    /// trial in trials.jsonl (the final ones 10 s long).
    @Test func pvpSearchFindsTheNDRThePathHolds() throws {
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd", "af_packet", "hugepages"])
        defer { lab.tearDown() }
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/pvp.yaml").path, "--set", "benchmark=search", "--set", "rate=50kpps", "--set", "duration=10s",
            "--set", "search_width=5%", "--set", "vhost_features=true", "--set", "traffic_generator=MoonGen 'v2'")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        let captures = steps.first { $0["id"] as? String == "search" }?["captures"] as? [String: String] ?? [:]
        func number(_ key: String) -> Double {
            Double(captures["throughput." + key]?.trimmingCharacters(in: CharacterSet(charactersIn: "0123456789.").inverted) ?? "") ?? -1
        }
        #expect(number("ndr") > 100 && number("pdr") >= number("ndr") && number("ndr") < 50_000, "\(captures)")
        // Checked against the path itself the TCG lab is too noisy to judge by: a 10 s trial at the NDR lost
        // 0-1.07 % (twice in a row once), and one at 1.2 × NDR lost nothing once. The verification's logic is
        // in ThroughputSearchTests; here it stays off, and its check is skipped, not passed.
        #expect(steps.first { $0["id"] as? String == "search-verified" }?["status"] as? String == "skipped")
        #expect(steps.first { $0["id"] as? String == "traffic" }?["status"] as? String == "skipped")
        // Every trial is in trials.jsonl, the final ones 10 s long.
        let trials = try String(contentsOf: lab.runDirectory().appendingPathComponent("trials.jsonl"), encoding: .utf8).split(separator: "\n")
        #expect(trials.count == Int(number("trials")) && trials.contains { $0.contains("\"duration\":10,") }, "\(trials)")
        // The guide's results template, filled from the run: the search's result in Mpps, what the
        // host's steps read (QEMU, the CPU) and the features the vhost-user port negotiated.
        let results = try String(contentsOf: lab.runDirectory().appendingPathComponent("results.txt"), encoding: .utf8)
        let ndr = try #require(captures["throughput.ndr_mpps"])
        #expect(results.contains("Result: NDR \(ndr), PDR ") && ndr.hasSuffix("Mpps"), "\(results)")
        #expect(results.contains("Traffic Generator: MoonGen 'v2'\n") && results.contains("Validation run time: 10s\n"), "\(results)")
        #expect(results.contains("QEMU version/commit: 10.") && results.contains("Virtio features: MRG_RXBUF"), "\(results)")
        #expect(!results.contains("not measured"), "\(results)")
        // The per-hop table of one 10 s trial at the NDR found: every hop counted, the generator sent at
        // that rate, and what the hops lost adds up to what the generator missed.
        let run = try lab.runJSON()
        let hops = try #require(run["hops"] as? [[String: Any]])
        let packets = hops.compactMap { $0["packets"] as? Int }
        #expect(hops.count == 8 && packets.count == 8, "\(hops)")
        #expect(Double(packets.first ?? 0) >= number("ndr") * 10 * 0.9, "\(hops) at \(number("ndr")) pps")
        #expect(hops.compactMap { $0["lost"] as? Int }.reduce(0, +) == (packets.first ?? 0) - (packets.last ?? 0), "\(hops)")
        // The manifest: every file compiled with its SHA-256, every param with its source.
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: lab.runDirectory().appendingPathComponent("manifest.json"))) as? [String: Any]
        let files = try #require(manifest?["files"] as? [[String: String]])
        let pvp = try #require(files.first { $0["path"]?.hasSuffix("scenarios/pvp.yaml") == true })
        #expect(pvp["sha256"] == CLI.shell("sha256sum \(pvp["path"]!)").split(separator: " ").first.map(String.init))
        let params = try #require(manifest?["params"] as? [[String: String]])
        #expect(params.contains { $0["name"] == "benchmark" && $0["value"] == "search" && $0["source"] == "--set" })
        #expect(params.contains { $0["name"] == "pdr_loss" && $0["source"] == "scenario" })
        // The search's plot, one point per trial, and report.html as a browser renders it: the plot
        // loads, the page escapes what the run was given, and a screenshot is kept beside it.
        let directory = try lab.runDirectory()
        let svg = try String(contentsOf: directory.appendingPathComponent("search-search.svg"), encoding: .utf8)
        #expect(svg.components(separatedBy: "<circle class=\"trial\"").count - 1 == trials.count, "\(svg.prefix(400))")
        #expect(svg.contains("NDR ") && svg.contains("PDR "))
        let page = directory.appendingPathComponent("report.html")
        let dom = HeadlessChromium.dom(page)
        #expect(dom.contains("data-plots=\"1/1\"") && dom.contains("data-rendered=\"yes\""), "\(dom.prefix(600))")
        let html = try String(contentsOf: page, encoding: .utf8)
        #expect(dom.contains("MoonGen 'v2'") && html.contains("MoonGen &apos;v2&apos;"))
        #expect(HeadlessChromium.screenshot(page, to: directory.appendingPathComponent("report.png")))
        // Without its SVG beside it the page says the plot did not load (so the check above can fail).
        let alone = directory.appendingPathComponent("alone")
        try FileManager.default.createDirectory(at: alone, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: page, to: alone.appendingPathComponent("report.html"))
        let broken = HeadlessChromium.dom(alone.appendingPathComponent("report.html"))
        #expect(broken.contains("data-plots=\"0/1\"") && broken.contains("This plot did not load"), "\(broken.prefix(600))")
        #expect(lab.namespaces().isEmpty)
    }

    /// The vhost-user migration how-to up to the guest forwarding the generator's traffic (the live
    /// migration itself is covered by VhostTests' guestMigratesBetweenFastPathBackEndsWhileTrafficFlows):
    /// each host's FastPath in vhost-switch mode delivers the flooded frames to the VM port that owns
    /// their address and sends the VM's frames out its NIC, so nothing loops between the two hosts on
    /// the flooding switch. The always steps of what the cut-short run never started are skipped, with
    /// the reason.
    @Test func vhostUserMigrationHowToSwitchesTheGeneratorsTrafficThroughTheGuest() throws {
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd", "af_packet", "hugepages"])
        defer { lab.tearDown() }
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/vhost-user-migration.yaml").path, "--set", "vm_hugepages=256", "--set", "vm_vcpus=2", "--set",
            "vm_lcores=0-1",
            "--until", "vm-stats")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        #expect(result.stdout.contains("SKIP cleanup-switch-2 (0.00s) — forwarder vhost_switch_2 was not started in this run"))
        #expect(result.stdout.contains("SKIP cleanup-vm-dst (0.00s) — vm vm1_dst was not started in this run"))
        let quit = try lab.stepLog("cleanup-switch-1")
        func stats(_ port: Int) throws -> (rx: Int, tx: Int, txTotal: Int) {
            let m = try #require(
                quit.firstMatch(
                    of: try Regex(
                        "Forward statistics for port \(port)\\s+-+\\s+RX-packets: (\\d+).*?\\n\\s+TX-packets: (\\d+)\\s+TX-dropped: \\d+\\s+TX-total: (\\d+)"
                    ).dotMatchesNewlines()))
            return (Int(m.output[1].substring!)!, Int(m.output[2].substring!)!, Int(m.output[3].substring!)!)
        }
        let uplink = try stats(0), vmIn = try stats(1), vmOut = try stats(2)
        // Every frame from the NIC was for the VM's first port (learned from its frames); the VM's
        // forwarded frames came back on its second port and all left through the NIC.
        #expect(uplink.rx > 1000 && vmIn.txTotal <= uplink.rx && vmIn.txTotal >= uplink.rx * 99 / 100, "\(quit)")
        #expect(vmOut.rx > 1000 && vmOut.tx == 0 && uplink.tx >= vmOut.rx && uplink.tx <= vmOut.rx + vmIn.rx, "\(quit)")
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// The whole vhost-user migration how-to, as the guide runs it: the guest forwards the generator's
    /// traffic on host 1, migrates live to host 2 (QEMU's downtime and the generator's outage within
    /// their params), and forwards there; everything started is stopped.
    @Test func vhostUserMigrationHowToMigratesTheGuestThereAndBack() throws {
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd", "af_packet", "hugepages"])
        defer { lab.tearDown() }
        // The embedded virtual lab's limits (its outage: 43-653 ms a round here, QEMU's downtime 11-296 ms).
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/vhost-user-migration.yaml").path, "--rounds", "2", "--set", "vm_hugepages=256", "--set", "vm_vcpus=2",
            "--set", "vm_lcores=0-1",
            "--set", "max_downtime=1s", "--set", "max_outage=1s")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let run = try lab.runJSON()
        let steps = try #require(run["steps"] as? [[String: Any]])
        func status(_ id: String) -> String? { steps.first { $0["id"] as? String == id }?["status"] as? String }
        // There (host 1 to host 2), and back: round 2 starts vm1 on host 1 waiting, migrates from host 2's
        // monitor, and finds the guest's testpmd forwarding again on host 1.
        for id in ["migrate", "h2-stats-2", "traffic-lap", "migrate.round2", "h2-stats-2.round2", "traffic-lap.round2", "traffic-stop"] {
            #expect(status(id) == "passed", "\(id): \(status(id) ?? "missing")")
        }
        let rounds = try #require(run["rounds"] as? [[String: Any]])
        #expect(rounds.count == 2)
        for row in rounds {
            let figures = row["figures"] as? [String: String] ?? [:]
            func ms(_ key: String) -> Double { Double(figures[key]?.replacingOccurrences(of: "ms", with: "") ?? "") ?? -1 }
            #expect(row["verdict"] as? String == "passed", "\(row)")
            #expect(ms("downtime") >= 0 && ms("downtime") <= 1000 && ms("lap.outage") >= 0 && ms("lap.outage") <= 1000, "\(row)")
            #expect(ms("mig.total_time") > 0 && figures["lap.lost"] != nil, "\(row)")
        }
        #expect(result.stdout.contains("round  verdict"), "the round table on stdout: \(result.stdout)")
        // Each migration on the generator's timeline: its downtime shaded, the probes answered per ms
        // drawn; report.html shows both plots as a browser renders them.
        let directory = try lab.runDirectory()
        for step in ["migrate", "migrate.round2"] {
            let svg = try String(contentsOf: directory.appendingPathComponent("timeline-\(step).svg"), encoding: .utf8)
            #expect(svg.contains("class=\"downtime\"") && svg.contains("class=\"answered\"") && svg.contains("QEMU downtime "), "\(svg.prefix(300))")
        }
        let dom = HeadlessChromium.dom(directory.appendingPathComponent("report.html"))
        #expect(dom.contains("data-plots=\"2/2\""), "\(dom.prefix(600))")
        // The run's key figures, each once (the last round's; the table has every round's).
        let figures = try #require(result.stdout.split(separator: "\n").first { $0.hasPrefix("  figures: ") })
        #expect(figures.components(separatedBy: "lap.outage=").count == 2 && figures.contains("mig.downtime="), "\(figures)")
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// The same how-to through libvirt, there and back: each host's own libvirtd runs the guest, which
    /// migrates with virDomainMigrateToURI3 (the destination defined from the other VM role, with its
    /// host's sockets and console) and forwards the generator's traffic on the other side; its monitor
    /// is libvirt's passthrough wherever the guest runs.
    @Test func vhostUserMigrationHowToMigratesThroughLibvirtThereAndBack() throws {
        let lab = try LabFixture(guest: MigrationTests.guest, capabilities: ["vhost-user", "memfd", "af_packet", "hugepages", "libvirt"])
        defer { lab.tearDown() }
        let result = lab.runBootingGuests(
            CLI.root.appendingPathComponent("scenarios/vhost-user-migration.yaml").path, "--rounds", "2", "--set", "vm_hugepages=256", "--set", "vm_vcpus=2",
            "--set", "vm_lcores=0-1",
            "--set", "max_downtime=1s", "--set", "max_outage=1s", "--set", "launch=libvirt")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)\n\(result.status == 0 ? "" : lab.evidence())")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        func step(_ id: String) -> [String: Any] { steps.first { $0["id"] as? String == id } ?? [:] }
        for id in [
            "h1-start", "h1-monitor", "migrate-libvirt", "h2-running", "h2-stats-2", "traffic-lap", "migrate-libvirt.round2", "h2-running.round2",
            "h2-stats-2.round2", "traffic-lap.round2", "traffic-stop", "cleanup-undefine-src",
        ] {
            #expect(step(id)["status"] as? String == "passed", "\(id): \(step(id))")
        }
        for id in ["h2-vm", "migrate", "h1-quit", "cleanup-vm-src"] { #expect(step(id)["status"] as? String == "skipped", "\(id): \(step(id))") }
        for id in ["migrate-libvirt", "migrate-libvirt.round2"] {
            let job = step(id)["captures"] as? [String: String] ?? [:]
            let downtime = Double(job["job.downtime"]?.replacingOccurrences(of: "ms", with: "") ?? "") ?? -1
            #expect(downtime >= 0 && downtime <= 1000 && job["job.status"] == "completed", "\(id): \(job)")
        }
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }
}
