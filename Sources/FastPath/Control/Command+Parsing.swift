import TestpmdCommands

extension Command {
    /// The commands FastPath knows, for `help`: the shared testpmd list's FastPath part.
    public static var vocabulary: [String] { TestpmdCommand.all.filter(\.fastPath).map(\.pattern) }

    /// Parses one line. Errors say what was wrong, the way testpmd starts them: "Bad arguments".
    public init(parsing line: String) throws(FastPathError) {
        let w = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
        func bad(_ why: String) -> FastPathError { .invalid("Bad arguments: \(why)") }
        func int(_ i: Int, _ what: String) throws(FastPathError) -> Int {
            guard i < w.count, let v = Int(w[i]), v >= 0 else { throw bad("\(what) must be a number") }
            return v
        }
        func ports(_ i: Int) throws(FastPathError) -> Ports {
            guard i < w.count else { throw bad("give all or a port number") }
            if w[i] == "all" { return .all }
            return .one(try int(i, "port"))
        }
        func mac(_ i: Int) throws(FastPathError) -> EtherAddress {
            guard i < w.count, let m = EtherAddress(w[i]) else { throw bad("expected a MAC address like 52:54:00:00:00:01") }
            return m
        }
        func words(_ n: Int) throws(FastPathError) {
            guard w.count == n else { throw bad("'\(line)' has \(w.count) words, expected \(n)") }
        }
        guard let first = w.first else { throw bad("empty command") }
        if let vf = try VFCommand.parse(w) {
            self = .vf(vf)
            return
        }
        switch (first, w.count > 1 ? w[1] : "", w.count > 2 ? w[2] : "") {
        case ("start", "", _): self = .start(txFirst: 0)
        case ("start", "tx_first", _): self = .start(txFirst: w.count > 2 ? try int(2, "burst count") : 1)
        case ("stop", _, _):
            try words(1)
            self = .stop
        case ("quit", _, _), ("exit", _, _): self = .quit
        case ("help", _, _): self = .help
        case ("show", "port", "info"):
            try words(4)
            self = .showPortInfo(try ports(3))
        case ("show", "port", "stats"):
            try words(4)
            self = .showPortStats(try ports(3))
        case ("show", "port", "probes"):
            try words(4)
            self = .showProbeStats(try ports(3))
        case ("clear", "port", "stats"):
            try words(4)
            self = .clearPortStats(try ports(3))
        case ("show", "config", "fwd"): self = .showConfigFwd
        case ("show", "fwd", "stats"): self = .showFwdStats
        case ("show", "memory", _): self = .showMemory
        case ("show", "bonding", "config"):
            try words(4)
            self = .showBondingConfig(try int(3, "bonded port"))
        case ("set", "fwd", _):
            guard w.count >= 3, let mode = ForwardMode(rawValue: w[2]) else {
                throw bad("set fwd takes one of \(ForwardMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard w.count == 3 || (w.count == 4 && w[3] == "retry") else { throw bad("set fwd <mode> [retry]") }
            self = .setFwd(mode, retry: w.count == 4)
        case ("set", "portlist", _):
            try words(3)
            var list = [Int]()
            for part in w[2].split(separator: ",") {
                guard let v = Int(part), v >= 0 else { throw bad("portlist is port numbers separated by commas") }
                list.append(v)
            }
            self = .setPortList(list)
        case ("set", "eth-peer", _):
            try words(4)
            self = .setEthPeer(port: try int(2, "port"), try mac(3))
        case ("set", "promisc", _):
            try words(4)
            guard w[3] == "on" || w[3] == "off" else { throw bad("set promisc <port> on|off") }
            self = .setPromisc(try ports(2), w[3] == "on")
        case ("set", "burst", _):
            try words(3)
            self = .setBurst(try int(2, "burst"))
        case ("set", "txpkts", _):
            try words(3)
            self = .setTxPackets(try int(2, "length"))
        case ("set", "nbcore", _):
            try words(3)
            self = .setCoreCount(try int(2, "core count"))
        case ("set", "bonding", "primary"):
            try words(5)
            self = .setPrimary(slave: try int(3, "slave"), bond: try int(4, "bonded port"))
        case ("mac_addr", "add", _):
            try words(4)
            self = .macAdd(port: try int(2, "port"), try mac(3))
        case ("mac_addr", "remove", _):
            try words(4)
            self = .macRemove(port: try int(2, "port"), try mac(3))
        case ("port", "start", _):
            try words(3)
            self = .portStart(try ports(2))
        case ("port", "stop", _):
            try words(3)
            self = .portStop(try ports(2))
        case ("port", "close", _):
            try words(3)
            self = .portClose(try ports(2))
        case ("port", "attach", _):
            try words(3)
            self = .portAttach(w[2])
        case ("port", "detach", _):
            try words(3)
            self = .portDetach(try int(2, "port"))
        case ("create", "bonded", "device"):
            try words(5)
            self = .createBond(mode: try int(3, "mode"), socket: try int(4, "socket"))
        case ("add", "bonding", "slave"):
            try words(5)
            self = .addSlave(slave: try int(3, "slave"), bond: try int(4, "bonded port"))
        case ("remove", "bonding", "slave"):
            try words(5)
            self = .removeSlave(slave: try int(3, "slave"), bond: try int(4, "bonded port"))
        default:
            throw .invalid("Command not found: '\(line)' (type help for the commands FastPath knows)")
        }
    }
}
