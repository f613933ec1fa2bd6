import Testing

@testable import FastPath

/// The prompt's command language and the launch options: testpmd's words in, clear errors out.
@Suite struct CommandTests {
    @Test func parsesTheGuidesCommands() throws {
        #expect(try Command(parsing: "start tx_first") == .start(txFirst: 1))
        #expect(try Command(parsing: "show port stats all") == .showPortStats(.all))
        #expect(try Command(parsing: "clear port stats 1") == .clearPortStats(.one(1)))
        #expect(try Command(parsing: "set fwd io retry") == .setFwd(.io, retry: true))
        #expect(try Command(parsing: "set portlist 2,0") == .setPortList([2, 0]))
        #expect(try Command(parsing: "mac_addr add port 1 vf 0 AA:BB:CC:DD:EE:FF") == .vf(.addMAC(port: 1, vf: 0, EtherAddress("aa:bb:cc:dd:ee:ff")!)))
        #expect(try Command(parsing: "create bonded device 1 0") == .createBond(mode: 1, socket: 0))
        #expect(try Command(parsing: "remove bonding slave 0 2") == .removeSlave(slave: 0, bond: 2))
        #expect(try Command(parsing: "port attach net_af_packet1,iface=eth1") == .portAttach("net_af_packet1,iface=eth1"))
    }

    @Test func badCommandsSayWhy() {
        #expect(throws: FastPathError.invalid("Bad arguments: set fwd takes one of io, mac, macswap, rxonly, icmpecho, txonly, flowgen, vhost-switch")) {
            try Command(parsing: "set fwd bogus")
        }
        #expect(throws: FastPathError.invalid("Bad arguments: port must be a number")) { try Command(parsing: "show port stats x") }
        #expect(throws: FastPathError.invalid("Bad arguments: expected a MAC address like 52:54:00:00:00:01")) {
            try Command(parsing: "set eth-peer 0 zz")
        }
        #expect(throws: FastPathError.invalid("Command not found: 'frobnicate' (type help for the commands FastPath knows)")) {
            try Command(parsing: "frobnicate")
        }
    }

    @Test func interpreterAnswersErrorsWithoutStopping() throws {
        let lab = try RingLab(ports: 2)
        #expect(lab.interpreter.execute("show port stats 9").output == "Invalid port 9\n")
        #expect(lab.interpreter.execute("stop").output == "Packet forwarding not started\n")
        #expect(lab.interpreter.execute("set burst 999").output == "burst must be >= 1 && <= 256\n")
        #expect(lab.interpreter.execute("port attach 0000:81:00.0").output.contains("FastPath drives no PCI devices"))
        #expect(lab.interpreter.execute("port attach net_bogus0").output.contains("unknown driver"))
        #expect(try lab.command("show port stats all").contains("NIC statistics for port 1"))
    }

    @Test func launchOptionsInTestpmdsWords() throws {
        let o = try LaunchOptions(arguments: [
            "-l", "0-2", "-n", "4", "--no-pci", "--vdev", "net_null0", "--vdev", "net_ring0,peer=net_ring1",
            "--", "-i", "--forward-mode=macswap", "--nb-cores", "2", "--port-topology=chained",
            "--burst=64", "--eth-peer=0,52:54:00:00:00:01", "--portmask=0x3", "--rxq=1",
        ])
        #expect(o.lcores == [0, 1, 2] && o.forwarding.forwardingCPUs == [1, 2])
        #expect(o.devices.map(\.name) == ["net_null0", "net_ring0"])
        #expect(o.interactive && !o.autoStart)
        #expect(o.forwarding.mode == .macswap && o.forwarding.coreCount == 2 && o.forwarding.topology == .chained)
        #expect(o.forwarding.burst == 64 && o.forwarding.portList == [0, 1])
        #expect(o.forwarding.peer(0) == EtherAddress("52:54:00:00:00:01")!)
        #expect(try LaunchOptions(arguments: ["-c", "0xf0"]).lcores == [4, 5, 6, 7])
    }

    @Test func receiveOffloadsAreAcceptedAndShown() throws {
        let o = try LaunchOptions(arguments: ["-l", "0-1", "--", "-i", "--enable-lro", "--enable-rx-cksum", "--txqflags=0x0"])
        #expect(o.forwarding.rxOffloads == ["TCP_LRO", "IPV4_CKSUM", "UDP_CKSUM", "TCP_CKSUM"])
        let forwarder = Forwarder(pool: try PacketPool(count: 256), config: o.forwarding)
        _ = try forwarder.attach(NullPort(deviceName: "net_null0", devargs: "", size: 64))
        let info = CommandInterpreter(forwarder: forwarder).execute("show port info 0").output
        #expect(info.contains("\nRx offloads requested: TCP_LRO IPV4_CKSUM UDP_CKSUM TCP_CKSUM (FastPath leaves frames as they come"), "\(info)")
    }

    @Test func unknownOptionsAreNamed() {
        #expect(throws: FastPathError.invalid("unknown option '--frobnicate' (after --); see `labrunner fastpath --help`")) {
            try LaunchOptions(arguments: ["-l", "0-1", "--", "--frobnicate"])
        }
        #expect(throws: FastPathError.self) { try LaunchOptions(arguments: ["-l", "0-1", "--", "--nb-cores=5"]) }
        #expect(throws: FastPathError.invalid("--rxq=9: give an integer in 1...8")) {
            try LaunchOptions(arguments: ["-l", "0-1", "--", "--rxq=9"])
        }
        #expect((try? LaunchOptions(arguments: ["-l", "0-1", "--", "--rxq=2", "--txq=4"]))?.forwarding.rxQueues == 2)
        #expect(throws: FastPathError.self) { try LaunchOptions(arguments: ["-a", "0000:81:00.0"]) }
        #expect(
            throws: FastPathError.invalid(
                "--vdev 'net_af_packet0,ifname=x': net_af_packet has no argument 'ifname' (it takes iface, qpairs, blocksz, framesz, framecnt, qdisc_bypass)")
        ) {
            try LaunchOptions(arguments: ["--vdev", "net_af_packet0,ifname=x"])
        }
    }

    @Test func topologiesPairPortsLikeTestpmd() {
        #expect(PortTopology.paired.peers(of: [0, 1, 2, 3]).map(\.tx) == [1, 0, 3, 2])
        #expect(PortTopology.paired.peers(of: [0, 1, 2]).map(\.tx) == [1, 0, 2])
        #expect(PortTopology.chained.peers(of: [0, 2, 1, 3]).map(\.tx) == [2, 1, 3, 0])
        #expect(PortTopology.loop.peers(of: [5]).map(\.tx) == [5])
        var config = ForwardingConfig()
        config.forwardingCPUs = [2, 3]
        config.coreCount = 2
        #expect(Stream.plan(config, ports: [0, 1, 2, 3]).map(\.cpu) == [2, 2, 3, 3])
    }
}
