import Foundation
import Testing

@testable import Scenarios

/// Plans carry the exact commands, bound to the lab: TCG and memfd in the virtual lab, KVM and
/// hugepages on the guide's hosts, the destination host's address in migrate, libvirt XML.
@Suite struct PlanTests {
    let virtual = TestPaths.labs[1].path
    let guide = TestPaths.labs[0].path

    private func plan(_ name: String, lab: String, _ overrides: [String] = []) throws -> StepGraph {
        let result = Compiler().plan(path: TestPaths.scenarios.appendingPathComponent(name).path, labPath: lab, overrides: overrides)
        return try #require(result.graph, "\(result.diagnostics.map(\.fullMessage))")
    }

    @Test func pvpQEMUOnTheVirtualLab() throws {
        let vm = try #require(try plan("pvp.yaml", lab: virtual).step("vm-qemu"))
        for part in [
            "-accel tcg", "vectors=0", "memory-backend-memfd,id=mem,size=3072M,share=on", "-numa node,memdev=mem",
            "path=/tmp/vhost-user1", "mac=52:54:00:02:d9:01", "addr=0x10", "-kernel /run/labrunner/guest/vmlinux",
        ] {
            #expect(vm.command.contains(part), "\(part) in \(vm.command)")
        }
        #expect(!vm.command.contains("taskset"))
        #expect(vm.target == "ip netns exec lr-host_server_1")
        #expect(vm.skip == nil)
    }

    /// A guest a forwarder is placed in gets FastPath's disk (after its NICs, in the bus's last slot) on the
    /// virtual lab only; the guide's multicast NIC address loses its multicast bit there, since the guest
    /// kernel must bring the interface up for FastPath's AF_PACKET port.
    @Test func forwarderGuestsGetFastPathsDiskAndUnicastMACsOnTheVirtualLab() throws {
        let disk =
            "-drive file=/run/labrunner/guest/fastpath.img,if=none,id=lrfastpath,format=raw,readonly=on -device virtio-blk-pci,drive=lrfastpath,addr=0x1f"
        let pvp = try #require(try plan("pvp.yaml", lab: virtual).step("vm-qemu"))
        #expect(pvp.command.contains(disk), "\(pvp.command)")
        #expect(pvp.command.range(of: "lrfastpath")!.lowerBound > pvp.command.range(of: "mac=52:54:00:02:d9:02")!.lowerBound)
        #expect(!(try plan("pvp.yaml", lab: guide).step("vm-qemu")!.command.contains("lrfastpath")))
        let migration = try plan("vhost-user-migration.yaml", lab: virtual)
        let vm = try #require(migration.step("h1-vm"))
        #expect(vm.command.contains("mac=cc:bb:bb:bb:bb:bb") && vm.command.contains("mac=dc:bb:bb:bb:bb:bb"), "\(vm.command)")
        #expect(try plan("vhost-user-migration.yaml", lab: guide).step("h1-vm")!.command.contains("mac=dd:bb:bb:bb:bb:bb"))
        // The forwarder that arrives on host_server_2 by migration is known to live in vm1_dst.
        #expect(migration.forwarderPlacements["vm_testpmd_dst"] == "vm1_dst")
    }

    /// `--rounds 3`: the migration block three times, one after the other; round 2 goes back (host 2's
    /// monitor migrates to host 1's address, where vm1 starts waiting as vm1_dst was written to), round 3
    /// goes there again with vm1_dst's own `incoming`.
    @Test func roundsRepeatTheMigrationThereAndBack() throws {
        let path = TestPaths.scenarios.appendingPathComponent("vhost-user-migration.yaml").path
        let result = Compiler().plan(path: path, labPath: virtual, overrides: [], rounds: 3)
        let graph = try #require(result.graph, "\(result.diagnostics.map(\.fullMessage))")
        #expect(graph.rounds.count == 3 && graph.rounds[1].contains("migrate.round2") && graph.rounds[2].contains("traffic-lap.round3"))
        let start2 = try #require(graph.step("h2-vm.round2")), start3 = try #require(graph.step("h2-vm.round3"))
        guard case .vmStart(let role2, let argv2, _) = start2.action, case .vmStart(let role3, let argv3, _) = start3.action else {
            Issue.record("not VM starts")
            return
        }
        #expect(role2 == "vm1" && argv2.contains("-incoming") && argv2.contains("unix:/run/labrunner/host_server_1/vm1.qmp,server=on,wait=off"))
        #expect(argv2.contains { $0.contains("path=/run/labrunner/host_server_1/usvhost-1") }, "\(argv2)")
        #expect(role3 == "vm1_dst" && argv3.contains("-incoming") && argv3.contains { $0.contains("host_server_2/usvhost-1") })
        let back = try #require(graph.step("migrate.round2")), again = try #require(graph.step("migrate.round3"))
        #expect(back.on == "h2_mon" && back.command == "migrate tcp:198.51.100.10:5555", "\(back.command)")
        #expect(again.on == "h1_mon" && again.command == "migrate tcp:198.51.100.11:5555", "\(again.command)")
        #expect(graph.step("h2-stats-2.round2")?.on == "vm_testpmd" && graph.step("h2-enter.round2")?.on == "h1_vm")
        // Each round waits for the one before; what follows the block waits for the last.
        #expect(graph.step("h2-vm.round2")?.after == ["traffic-lap"] && graph.step("h2-vm.round3")?.after == ["traffic-lap.round2"])
        #expect(graph.step("traffic-stop")?.after == ["traffic-lap.round3"])
        // One round is the scenario as written.
        let once = try plan("vhost-user-migration.yaml", lab: virtual)
        #expect(once.rounds.isEmpty && once.step("migrate.round2") == nil)
        // A scenario without rounds: runs once, and says so.
        let pvp = Compiler().plan(path: TestPaths.scenarios.appendingPathComponent("pvp.yaml").path, labPath: virtual, overrides: [], rounds: 2)
        #expect(pvp.graph?.rounds.isEmpty == true && pvp.diagnostics.contains { $0.message.contains("has no `rounds:` section") })
    }

    @Test func pvpQEMUOnTheGuideLab() throws {
        let vm = try #require(try plan("pvp.yaml", lab: guide).step("vm-qemu"))
        for part in ["taskset -c 1,6-7", "-enable-kvm", "-cpu host", "mem-path=/dev/hugepages", "-mem-prealloc"] {
            #expect(vm.command.contains(part), "\(part) in \(vm.command)")
        }
        #expect(!vm.command.contains("vectors=0"))
        #expect(vm.target == "ssh root@10.237.212.46")
    }

    @Test func pvpLibvirtWay() throws {
        let graph = try plan("pvp.yaml", lab: guide, ["launch=libvirt"])
        let define = try #require(graph.step("define"))
        for part in [
            "<interface type='vhostuser'>", "<source type='unix' path='/tmp/vhost-user1' mode='client'/>",
            "<vcpupin vcpu='2' cpuset='7'/>", "<page size='1048576' unit='KiB' nodeset='0'/>", "memAccess='shared'",
            "<address type='pci' domain='0x0000' bus='0x00' slot='0x10' function='0x0'/>",
        ] {
            #expect(define.command.contains(part), "\(part)")
        }
        #expect(define.target == "libvirt qemu+ssh://root@10.237.212.46/system")
        // The host whose libvirt it is, so the engine connects with that host's key and known_hosts.
        #expect(define.libvirtCall?.host == graph.bindings["host_server_1"]?.name)
        #expect(define.libvirtCall?.host != nil)
        #expect(graph.step("vm-qemu")?.skip == "when ${launch} == qemu is false")
        #expect(graph.step("define")?.skip == nil)
    }

    /// A real lab's VM must boot something. PVP's guest image is each lab's to give (the guide leaves
    /// `<vm_image>.qcow2` open): guide-lab gives one; without it both launch ways are refused at the role.
    @Test func aRealLabsVMMustBootSomething() throws {
        #expect(try plan("pvp.yaml", lab: guide).step("vm-qemu")?.command.contains("-hda /root/images/pvp-guest.qcow2") == true)
        #expect(
            try plan("pvp.yaml", lab: guide, ["launch=libvirt"]).step("define")?.command.contains(
                "<driver name='qemu' type='qcow2'/><source file='/root/images/pvp-guest.qcow2'/>") == true)
        let pvp = TestPaths.scenarios.appendingPathComponent("pvp.yaml").path
        let roleLine =
            try #require(try String(contentsOfFile: pvp, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0 == "  vm:" })
            + 1
        for launch in ["qemu", "libvirt"] {
            let result = Compiler().plan(path: pvp, labPath: guide, overrides: ["vm_image=", "launch=\(launch)"])
            let errors = result.diagnostics.filter { $0.severity == .error }
            #expect(result.graph == nil && errors.count == 1, "\(errors)")
            #expect(errors.first?.message.hasPrefix("vm role 'vm' boots nothing on lab 'guide-lab'") == true, "\(errors)")
            #expect(errors.first?.location.file == pvp && errors.first?.location.line == roleLine)
        }
        // The virtual lab boots its own guest.
        #expect(try plan("pvp.yaml", lab: virtual, ["vm_image="]).step("vm-qemu")?.command.contains("-kernel /run/labrunner/guest/vmlinux") == true)
    }

    @Test func forwarderPortsStandInForNICsWithoutHardware() throws {
        let virtualStart = try #require(try plan("pvp.yaml", lab: virtual).step("host-testpmd")).command
        #expect(
            virtualStart.hasPrefix(
                "labrunner fastpath -l 0,2-5 -n 4 --socket-mem 1024 --vdev net_af_packet0,iface=nic0 --vdev net_af_packet1,iface=nic1 --no-pci --vdev net_vhost0,iface=/tmp/vhost-user1"
            ), "\(virtualStart)")
        // DPDK's testpmd as the host forwarder on the virtual lab (host_program): memfd, so no hugepages;
        // this machine's testpmd (22.11) refuses the guide's --disable-hw-vlan, which the lab leaves out.
        let testpmdStart = try #require(
            try plan("pvp.yaml", lab: virtual, ["host_program=testpmd", "host_lcores=0-1", "host_nb_cores=1", "vm_pin=2-4"]).step("host-testpmd")
        ).command
        #expect(
            testpmdStart
                == "dpdk-testpmd -l 0-1 -n 4 --no-huge -m 1024 --vdev net_af_packet0,iface=nic0 --vdev net_af_packet1,iface=nic1 --no-pci --vdev net_vhost0,iface=/tmp/vhost-user1 --vdev net_vhost1,iface=/tmp/vhost-user2 -- --portmask=f -i --rxq=1 --txq=1 --nb-cores=1 --forward-mode=io",
            "\(testpmdStart)")
        let guideStart = try #require(try plan("pvp.yaml", lab: guide).step("host-testpmd"))
        #expect(guideStart.command.hasPrefix("/root/dpdk/x86_64-default-linuxapp-gcc/app/testpmd -l 0,2-5"))
        // The guide's hosts declare DPDK 17.08, whose EAL takes -w (20.11 renamed it -a); plan says so.
        #expect(guideStart.command.contains("-w 0000:11:00.0 -w 0000:11:00.1"), "\(guideStart.command)")
        #expect(guideStart.target.contains(", written for DPDK 17.08"), "\(guideStart.target)")
    }

    /// A lab host's DPDK release decides the allow list's option, and an option its release lacks (here
    /// one the lab's testpmd command carries) is a warning; without a release, lines are today's.
    @Test func forwarderLinesFollowTheHostsDPDKRelease() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-dpdk-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let text = try String(contentsOfFile: guide, encoding: .utf8)
        func lab(_ name: String, _ replace: (String) -> String) throws -> String {
            let path = directory.appendingPathComponent(name).path
            try replace(text).write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let current = try lab("current.yaml") { $0.replacingOccurrences(of: "dpdk: \"17.08\"", with: "dpdk: \"22.11\"") }
        #expect(try plan("pvp.yaml", lab: current).step("host-testpmd")?.command.contains("-a 0000:11:00.0 -a 0000:11:00.1") == true)
        // Before 16.11 the virtual devices' drivers were eth_*, not net_*.
        let old = try lab("old.yaml") { $0.replacingOccurrences(of: "dpdk: \"17.08\"", with: "dpdk: \"16.07\"") }
        let oldStart = try plan("pvp.yaml", lab: old).step("host-testpmd")?.command ?? ""
        #expect(oldStart.contains("--vdev eth_vhost0,iface=/tmp/vhost-user1 --vdev eth_vhost1,iface=/tmp/vhost-user2 -w 0000:11:00.0"), "\(oldStart)")
        #expect(try plan("pvp.yaml", lab: guide).step("host-testpmd")?.command.contains("--vdev net_vhost0,iface=/tmp/vhost-user1") == true)
        let undeclared = try lab("undeclared.yaml") { $0.replacingOccurrences(of: "dpdk: \"17.08\"", with: "") }
        #expect(try plan("pvp.yaml", lab: undeclared).step("host-testpmd")?.command.contains("-a 0000:11:00.0") == true)
        let inMemory = try lab("in-memory.yaml") { $0.replacingOccurrences(of: "app/testpmd\n", with: "app/testpmd --in-memory\n") }
        let result = Compiler().plan(path: TestPaths.scenarios.appendingPathComponent("pvp.yaml").path, labPath: inMemory, overrides: [])
        #expect(
            result.diagnostics.contains {
                $0.severity == .warning && $0.message.contains("DPDK 17.08") && $0.message.contains("--in-memory arrived in DPDK 18.05")
            }, "\(result.diagnostics.map(\.fullMessage))")
        let broken = try lab("broken.yaml") { $0.replacingOccurrences(of: "dpdk: \"17.08\"", with: "dpdk: seventeen") }
        #expect(
            Compiler().plan(path: TestPaths.scenarios.appendingPathComponent("pvp.yaml").path, labPath: broken, overrides: []).diagnostics.contains {
                $0.severity == .error && $0.message.contains("dpdk 'seventeen' is not a DPDK release")
            })
    }

    /// A NIC an earlier step binds to igb_uio cannot be a later forwarder's af_packet port: the
    /// guide's bind (kept behind bind_nics) would remove the interface FastPath's switch runs on.
    @Test func anAFPacketPortOnANICBoundAwayIsAWarning() throws {
        func warnings(_ overrides: [String]) -> [String] {
            Compiler().plan(path: TestPaths.scenarios.appendingPathComponent("vhost-user-migration.yaml").path, labPath: guide, overrides: overrides)
                .diagnostics.filter { $0.severity == .warning }.map(\.message)
        }
        #expect(warnings([]).isEmpty, "\(warnings([]))")
        let bound = warnings(["bind_nics=true"])
        #expect(bound.count == 2, "\(bound)")
        #expect(
            bound.contains { $0.contains("'h1-vhost-switch'") && $0.contains("af_packet port on ens3f0") && $0.contains("step 'h1-bind' bound 0000:09:00.0") })
        #expect(try plan("vhost-user-migration.yaml", lab: guide).step("h1-bind")?.skip == "when ${bind_nics} == true is false")
    }

    /// libvirt's way of the migration: the destination gets vm1_dst's domain XML (host 2's sockets and
    /// console); a dest_domain that is another guest (another name) is refused where it is written.
    @Test func aLibvirtMigrationDefinesTheDestinationFromItsRole() throws {
        let migrate = try #require(try plan("vhost-user-migration.yaml", lab: virtual, ["launch=libvirt"]).step("migrate-libvirt"))
        #expect(migrate.libvirtCall?.xml?.contains("/run/labrunner/host_server_2/usvhost-1") == true)
        #expect(migrate.libvirtCall?.xml?.contains("/run/labrunner/host_server_2/vm1_dst.console") == true)
        #expect(migrate.command.contains("dest_xml=<vm1_dst's domain XML on host_server_2>"), "\(migrate.command)")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-dest-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("common"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let source = TestPaths.scenarios.appendingPathComponent("vhost-user-migration.yaml")
        let text = try String(contentsOf: source, encoding: .utf8)
        let renamed = try #require(text.range(of: "    host: host_server_2\n    name: VM1"))
        let file = directory.appendingPathComponent("renamed.yaml")
        try text.replacingCharacters(in: renamed, with: "    host: host_server_2\n    name: VM2").write(to: file, atomically: true, encoding: .utf8)
        try FileManager.default.copyItem(
            at: TestPaths.scenarios.appendingPathComponent("common/dpdk-host.yaml"), to: directory.appendingPathComponent("common/dpdk-host.yaml"))
        let errors = Compiler().plan(path: file.path, labPath: virtual, overrides: ["launch=libvirt"]).diagnostics.filter { $0.severity == .error }
        #expect(errors.count == 1 && errors.first?.message.contains("dest_domain 'vm1_dst' must be the same guest as 'vm1'") == true, "\(errors)")
    }

    @Test func migrationTargetsTheDestinationHost() throws {
        #expect(try plan("vhost-user-migration.yaml", lab: guide).step("migrate")?.command == "migrate tcp:10.237.212.131:5555")
        let virtualPlan = try plan("vhost-user-migration.yaml", lab: virtual, ["migrate_port=6000"])
        #expect(virtualPlan.step("migrate")?.command == "migrate tcp:198.51.100.11:6000")
        #expect(
            virtualPlan.step("migrate")?.qmp
                == .object([
                    ("execute", .string("human-monitor-command")),
                    ("arguments", .object([("command-line", .string("migrate tcp:198.51.100.11:6000"))])),
                ]))
        #expect(virtualPlan.step("h2-vm")?.command.contains("-incoming tcp:0:6000") == true)
    }

    @Test func vfHotplugDependsOnTheLab() throws {
        let real = try #require(try plan("sriov-bond-migration.yaml", lab: guide).step("h2-plug-vf"))
        #expect(real.command == #"{"execute":"device_add","arguments":{"driver":"vfio-pci","host":"0000:06:10.0","id":"vf1","addr":"0x4"}}"#)
        let emulated = try #require(try plan("sriov-bond-migration.yaml", lab: virtual).step("h2-plug-vf"))
        #expect(emulated.command.hasPrefix(#"{"execute":"netdev_add""#))
        #expect(emulated.command.contains(#""driver":"e1000""#))
        #expect(emulated.command.contains(#""mac":"aa:bb:cc:dd:ee:ff""#) == false)
    }

    @Test func everyStepComesAfterItsDependencies() throws {
        for file in TestPaths.scenarioFiles {
            let graph = try plan(file.lastPathComponent, lab: virtual)
            var seen = Set<String>()
            for step in graph.steps {
                #expect(step.after.allSatisfy(seen.contains), "\(file.lastPathComponent): \(step.id) before \(step.after)")
                seen.insert(step.id)
            }
        }
    }

    @Test func independentBranchesShortenTheCriticalPath() throws {
        let graph = try plan("vhost-user-migration.yaml", lab: virtual)
        #expect(graph.depth < graph.steps.count)
        #expect(graph.step("h2-setup-dpdk.before")?.after == [])
        #expect(Set(graph.step("migrate")?.after ?? []) == ["vm-stats", "h2-monitor"])
    }

    @Test func withoutVhostNetTheExceptionPathsVirtioUserIsATapAndThePlanSaysSo() throws {
        let graph = try plan("virtio-user-exception-path.yaml", lab: virtual)
        let start = try #require(graph.step("testpmd"))
        #expect(start.command.contains("--vdev net_af_packet0,iface=eth0 --no-pci --vdev net_tap0,iface=tap0 --"))
        #expect(start.target.contains("virtio_user0 stands in as a tap port: the host has no vhost-net"))
        #expect(graph.step("vhost-net")?.skip == "lab 'virtual' lacks vhost-net on host_server_1")
        let onGuide = try plan("virtio-user-exception-path.yaml", lab: guide)
        #expect(onGuide.step("testpmd")?.command.contains("--vdev virtio_user0,path=/dev/vhost-net,queues=1,queue_size=1024") == true)
    }

    @Test func capabilityGatingGivesTheReason() throws {
        let graph = try plan("sriov-bond-migration.yaml", lab: virtual)
        #expect(graph.step("h1-vf-niantic.set")?.skip == "lab 'virtual' lacks sriov on host_server_1")
        #expect(graph.step("sw-load")?.skip == "lab 'virtual' lacks testpoint on switch_1")
        #expect(graph.step("vm-bind")?.skip == "lab 'virtual' lacks igb_uio on host_server_1")
        #expect(graph.step("migrate")?.skip == nil)
        let onGuide = try plan("flow-bifurcation-ixgbe.yaml", lab: guide)
        #expect(onGuide.steps.allSatisfy { $0.skip == nil })
        #expect(onGuide.step("rule-vf0")?.command == "ethtool -N eth1 flow-type udp4 src-ip 192.0.2.2 dst-ip 198.51.100.2 action $(( (0x1 << 32) + 0 ))")
        #expect(onGuide.steeredNICs.isEmpty)
    }

    @Test func theVirtualLabEmulatesAnSRIOVNICForTheVFDaemonAndThePlanSaysSo() throws {
        let graph = try plan("vf-daemon.yaml", lab: virtual)
        let pf = try #require(graph.step("pf-app"))
        #expect(pf.command.contains("--vdev net_sriov0,uplink=pf0,vfs=1,model=ixgbe,vf0=vm1-vf0,vf0_mac=52:54:00:00:5f:00 --no-pci"), "\(pf.command)")
        #expect(pf.target.contains("0000:01:00.0 (pf0) stands as FastPath's emulated 82599 (ixgbe) PF with 1 VF(s) on vm1-vf0"))
        #expect(graph.step("vf-app")?.command.contains("--vdev net_af_packet0,iface=eth0 --no-pci") == true)
        #expect(graph.step("create-vf.set")?.skip == "lab 'virtual' lacks sriov on host_server_1")
        #expect(graph.step("vf-mac-seen")?.skip == "lab 'virtual' lacks physical-nic on host_server_1")
        #expect(graph.step("rx-off-check.after")?.skip == nil && graph.step("promisc-on.cmd")?.skip?.hasPrefix("when ") == true)
        let fortville = try plan("vf-daemon.yaml", lab: virtual, ["nic=i40e"])
        #expect(fortville.step("pf-app")?.command.contains("model=i40e") == true)
        let onGuide = try plan("vf-daemon.yaml", lab: guide)
        #expect(onGuide.step("pf-app")?.command.contains("-w 0000:01:00.0") == true)
        #expect(onGuide.step("pf-app")?.command.contains("net_sriov") == false)
    }

    @Test func theVirtualLabEmulatesAFlowDirectorNICForTheBifurcationHowTos() throws {
        let graph = try plan("flow-bifurcation-ixgbe.yaml", lab: virtual)
        #expect(graph.steeredNICs == [SteeredNIC(namespace: "lr-host_server_1", pf: "eth1", model: "niantic", vfs: 2)])
        // The link ends on the NIC's uplink; the PF keeps the scenario's name.
        #expect(graph.wires.contains { $0.a.interface == "u-eth1" || $0.b?.interface == "u-eth1" })
        #expect(!graph.wires.contains { $0.a.interface == "eth1" || $0.b?.interface == "eth1" })
        #expect(
            graph.step("rule-vf0")?.command == "labrunner ethtool -N eth1 flow-type udp4 src-ip 192.0.2.2 dst-ip 198.51.100.2 action $(( (0x1 << 32) + 0 ))")
        #expect(graph.step("ntuple-on")?.undo == "labrunner ethtool -K eth1 ntuple off")
        // The VFs the forwarder is allowed are AF_XDP sockets on the VFs' interfaces, in order.
        #expect(graph.step("testpmd")?.command.contains("--vdev net_af_xdp0,iface=eth1v0 --vdev net_af_xdp1,iface=eth1v1 --no-pci") == true)
        #expect(graph.step("create-vfs.set")?.skip == "lab 'virtual' lacks sriov on host_server_1")
        #expect(graph.step("matching-traffic") == nil && graph.step("vf1-traffic")?.skip == nil)
        #expect(PlanRenderer(graph: graph).text.contains("nic: eth1 on lr-host_server_1: emulated 82599 (ixgbe Flow Director) with 2 VFs eth1v0, eth1v1"))
    }

    @Test func overridesAreTypeChecked() {
        let path = TestPaths.scenarios.appendingPathComponent("pvp.yaml").path
        let cases: [(String, String)] = [
            ("frame_size=32", "below its min 64"), ("nope=1", "has no param 'nope'"),
            ("launch=docker", "must be one of qemu, libvirt"), ("frame_size", "must look like name=value"),
            ("host_lcores=2-1", "runs backwards"), ("lanch=qemu", "did you mean 'launch'?"),
        ]
        for (override, message) in cases {
            let result = Compiler().plan(path: path, labPath: nil, overrides: [override])
            #expect(result.graph == nil)
            #expect(result.diagnostics.contains { $0.fullMessage.contains(message) }, "\(override): \(result.diagnostics.map(\.fullMessage))")
        }
    }

    @Test func overriddenCoresAreCheckedForOverlap() {
        let result = Compiler().plan(path: TestPaths.scenarios.appendingPathComponent("pvp.yaml").path, labPath: nil, overrides: ["host_lcores=0-2"])
        #expect(result.diagnostics.contains { $0.message.contains("overlaps forwarder 'host_testpmd' lcores 0-2 on core(s) 1") })
    }

    @Test func jsonAndDotRenderings() throws {
        let graph = try plan("pvp.yaml", lab: virtual)
        let json = try #require(try JSONSerialization.jsonObject(with: Data(PlanRenderer(graph: graph).json.utf8)) as? [String: Any])
        let steps = try #require(json["steps"] as? [[String: Any]])
        #expect(steps.count == graph.steps.count)
        for step in steps {
            for key in ["id", "after", "on", "action", "command"] { #expect(step.keys.contains(key), "\(key)") }
        }
        let dot = PlanRenderer(graph: graph).dot
        #expect(dot.hasPrefix("digraph \"pvp\" {"))
        #expect(dot.contains("\"host-testpmd\" -> \"host-versions\";"))
        let text = PlanRenderer(graph: graph).text
        #expect(text.contains("SKIP: lab 'virtual' lacks isolcpus on host_server_1"))
        #expect(text.contains("$ set portlist 0,2,1,3"))
    }
}
