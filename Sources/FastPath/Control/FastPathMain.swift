import CFastPath
import Foundation
import Glibc

/// `labrunner fastpath …` and the `fastpath` executable: parse testpmd's words, open the ports, serve
/// the control socket, forward, and answer at the prompt until quit.
public enum FastPathMain {
    /// Runs FastPath with `arguments` (no program name). `allocations` reads the process's malloc
    /// counter when the executable has one. Returns the exit status.
    public static func run(arguments: [String], allocations: AllocationCounter? = nil) -> Int32 {
        if arguments.contains("--help") || arguments.contains("-h") {
            Console.write(usage)
            return 0
        }
        do {
            return try launch(LaunchOptions(arguments: arguments), allocations: allocations)
        } catch {
            FileHandle.standardError.write(Data("fastpath: error: \(error.description)\n".utf8))
            return 2
        }
    }

    static func launch(_ options: LaunchOptions, allocations: AllocationCounter?) throws(FastPathError) -> Int32 {
        let forwarder = try Forwarder(buffers: options.buffers, config: options.forwarding, allocationCounter: allocations)
        var opened = [any Port]()
        defer { for p in opened { p.close() } }
        var rings: [String: RingPort] = [:]
        for spec in options.devices {
            let port = try PortFactory.make(spec, pool: forwarder.pool)
            opened.append(port)
            if let ring = port as? RingPort { rings[spec.name] = ring }
            let id = try forwarder.attach(port)
            Console.write("Configuring Port \(id) (socket 0)\nPort \(id): \(port.macAddress)\n")
        }
        for spec in options.devices {
            guard let peer = spec["peer"] else { continue }
            guard let a = rings[spec.name], let b = rings[peer] else {
                throw .invalid("--vdev \(spec.name),peer=\(peer): no net_ring device named \(peer)")
            }
            a.connect(to: b)
        }
        Console.write("Checking link statuses...\nDone\n")
        let interpreter = CommandInterpreter(forwarder: forwarder)
        let quit = cfp_eventfd()
        defer { Glibc.close(quit) }
        let server = try ControlServer(
            path: options.controlSocket ?? RuntimePaths.controlSocket(filePrefix: options.filePrefix),
            interpreter: interpreter
        ) {
            var one: UInt64 = 1
            _ = Glibc.write(quit, &one, 8)
        }
        defer { server.close() }
        let monitor = LinkMonitor(forwarder: forwarder)
        monitor.start()
        defer { monitor.stop() }
        if options.autoStart {
            Console.write(interpreter.execute(options.txFirst ? "start tx_first" : "start").output)
        }
        let console = Console(interpreter: interpreter, interactive: options.interactive, statsPeriod: options.statsPeriod, quitEvent: quit)
        let reason = console.run()
        if reason != "quit" { Console.write(interpreter.execute("quit").output) }
        return 0
    }

    static let usage = """
        Usage: labrunner fastpath [EAL options] -- [application options]
        FastPath is labrunner's forwarder: testpmd's options, prompt and output.

        EAL options:
          -l <list> | -c <mask>      lcores; the first is the main lcore, the others forward
          --vdev <device,args>       net_null<n>[,size=N]  net_ring<n>[,peer=net_ring<m>]
                                     net_af_packet<n>,iface=IF[,blocksz=N,framecnt=N]
                                     net_af_xdp<n>,iface=IF[,xdp_mode=skb|native,frames=N]
                                     net_tap<n>[,iface=NAME,mac=MAC]  net_pcap<n>,rx_pcap=F[,tx_pcap=F,infinite_rx=1]
                                     net_vhost<n>,iface=SOCKET[,client=1]   (vhost-user back-end)
                                     virtio_user<n>,path=SOCKET[,mac=MAC]   (vhost-user front-end)
                                     virtio_user<n>,path=/dev/vhost-net[,iface=TAP,queues=N]  (vhost-kernel over a tap)
          --file-prefix <name>       names the default control socket (as DPDK names its runtime directory)
          --control-socket <path>    the JSON control socket (default /run/fastpath/net-<netns>/<prefix>.sock)
          (-n, --socket-mem, -m, --no-huge, --in-memory, --no-pci and other memory options are accepted and ignored)

        Application options (after --):
          -i                         interactive prompt (testpmd>)
          --auto-start, --tx-first   start forwarding at once (after one burst on every port)
          --forward-mode=MODE        \(ForwardMode.allCases.map(\.rawValue).joined(separator: ", "))
          --port-topology=TOPO       paired, chained, loop
          --nb-cores=N --burst=N --rxd=N --txd=N --portmask=HEX --eth-peer=PORT,MAC
          --total-num-mbufs=N        packet buffers (default 8192)
          --txpkts=LEN               generated frame length (txonly, flowgen; default 64)
          --flowgen-flows=N          flows flowgen spreads over (default 1024)
          --tx-ip=SRC,DST --tx-udp=SRC[,DST]   addresses and ports of generated packets
          --tx-proto=udp|tcp|icmp    generated probes as UDP, TCP or ICMP echo requests (a kernel answers those)
          --tx-pps=N                 generated packets per second per stream (default: as fast as possible)
          --stats-period=N           print port statistics every N seconds
          --no-adaptive              busy-poll even when idle (default: sleep on the ports when idle)
          --enable-lro, --enable-rx-cksum  accepted; shown by show port info (frames pass unchanged)

        """
}
