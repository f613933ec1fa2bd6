import Foundation

/// Runs commands against a forwarder and renders testpmd-shaped output. Used by the prompt and by the
/// control socket alike; every command runs under the forwarder's control-plane lock.
public final class CommandInterpreter: @unchecked Sendable {
    /// The forwarder driven.
    public let forwarder: Forwarder
    private var bondCount = 0

    /// The outcome of one command.
    public struct Reply: Sendable {
        /// Text as testpmd would print it.
        public var output: String
        /// False when the command failed.
        public var ok: Bool
        /// True after `quit`.
        public var quit = false
    }

    /// Creates an interpreter.
    public init(forwarder: Forwarder) {
        self.forwarder = forwarder
    }

    /// Parses and runs one line.
    public func execute(_ line: String) -> Reply {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed.hasPrefix("#") { return Reply(output: "", ok: true) }
        do {
            let command = try Command(parsing: trimmed)
            return try forwarder.locked { () throws(FastPathError) -> Reply in try run(command) }
        } catch {
            return Reply(output: error.description + "\n", ok: false)
        }
    }

    private func ids(_ ports: Command.Ports) throws(FastPathError) -> [Int] {
        switch ports {
        case .all: return forwarder.ports.ids
        case .one(let id):
            guard forwarder.ports.entry(id) != nil else { throw .noSuchPort(id) }
            return [id]
        }
    }

    private func entry(_ id: Int) throws(FastPathError) -> PortTable.Entry {
        guard let e = forwarder.ports.entry(id) else { throw .noSuchPort(id) }
        return e
    }

    private func bond(_ id: Int) throws(FastPathError) -> BondingPort {
        guard let b = try entry(id).port as? BondingPort else { throw .invalid("Port \(id) is not a bonded device") }
        return b
    }

    private func requireStopped() throws(FastPathError) {
        if forwarder.isForwarding { throw .forwardingActive }
    }

    private func run(_ command: Command) throws(FastPathError) -> Reply {
        let f = forwarder
        var out = ""
        switch command {
        case .help:
            out = "FastPath commands (testpmd's words):\n" + Command.vocabulary.map { "  " + $0 }.joined(separator: "\n") + "\n"
        case .quit:
            if f.isForwarding { out += stopReport() }
            out += "\nStopping port(s)...\nDone\n\nBye...\n"
            return Reply(output: out, ok: true, quit: true)
        case .start(let txFirst):
            try f.start(txFirst: txFirst)
            out = TestpmdFormat.configFwd(f.config, streams: f.plannedStreams, ports: f.forwardingPorts.count)
            out += "\n  \(f.config.mode.rawValue) packet forwarding packets/burst=\(f.config.burst)\n"
            out += "  nb forwarding cores=\(Set(f.plannedStreams.map(\.cpu)).count) - nb forwarding ports=\(f.forwardingPorts.count)\n"
        case .stop:
            guard f.isForwarding else { throw .invalid("Packet forwarding not started") }
            out = stopReport()
        case .showPortStats(let p):
            for id in try ids(p) { out += TestpmdFormat.portStats(id, f.counters(id), rate: f.throughput(id)) + "\n" }
        case .showProbeStats(let p):
            for id in try ids(p) {
                let c = f.probes(id)
                out += "Port \(id) probes: received \(c.received) lost \(c.lost) late \(c.late) gaps \(c.gaps) longest-gap-us \(c.longestGap / 1000)\n"
            }
        case .clearPortStats(let p):
            for id in try ids(p) {
                f.clear(id)
                out += "\n  NIC statistics for port \(id) cleared\n"
            }
        case .showPortInfo(let p):
            for id in try ids(p) { out += TestpmdFormat.portInfo(id, try entry(id), config: forwarder.config) + "\n" }
        case .showConfigFwd:
            out = TestpmdFormat.configFwd(f.config, streams: f.plannedStreams, ports: f.forwardingPorts.count)
        case .showFwdStats:
            var total = PortCounters()
            for id in f.forwardingPorts {
                total = total + f.counters(id)
                out += TestpmdFormat.forwardStats(id, f.counters(id)) + "\n"
            }
            out += TestpmdFormat.accumulated(total) + "\n"
        case .showMemory:
            out = "Packet buffers: \(f.pool.count) of \(PacketPool.bufferSize) bytes, \(f.pool.available) free in the pool\n"
            if let counter = f.allocationCounter, let loops = f.loopAllocations {
                out += "Allocations (malloc, calloc, realloc) since start: \(counter.process())\n"
                out += "Allocations in forwarding loops: \(loops.allocations) over \(loops.packets) packets\n"
            } else {
                out += "Allocations: not counted (the fastpath executable counts them)\n"
            }
        case .setFwd(let mode, let retry):
            try requireStopped()
            f.config.mode = mode
            f.config.retry = retry
            out = "Set \(mode.rawValue)\(retry ? " retry" : "") packet forwarding mode\n"
        case .setPortList(let list):
            try requireStopped()
            for id in list where f.ports.entry(id) == nil { throw .noSuchPort(id) }
            f.config.portList = list
        case .setEthPeer(let port, let mac):
            try requireStopped()
            f.config.peers[port] = mac
        case .setPromisc(let p, let on):
            for id in try ids(p) { f.ports.update(id) { $0.promiscuous = on } }
        case .setBurst(let n):
            try requireStopped()
            guard (1...256).contains(n) else { throw .invalid("burst must be >= 1 && <= 256") }
            f.config.burst = n
            out = "Number of packets per burst set to \(n)\n"
        case .setTxPackets(let n):
            try requireStopped()
            guard (Probe.minimumLength...PacketPool.dataRoom).contains(n) else {
                throw .invalid("txpkts must be between \(Probe.minimumLength) and \(PacketPool.dataRoom)")
            }
            f.config.txLength = n
        case .setCoreCount(let n):
            try requireStopped()
            guard n >= 1 && n <= f.config.forwardingCPUs.count else {
                throw .invalid("nb cores \(n) out of range: 1..\(f.config.forwardingCPUs.count) forwarding lcores")
            }
            f.config.coreCount = n
            out = "Number of forwarding cores set to \(n)\n"
        case .macAdd(let port, let mac):
            _ = try entry(port)
            f.ports.update(port) { if !$0.extraAddresses.contains(mac) { $0.extraAddresses.append(mac) } }
        case .macRemove(let port, let mac):
            let e = try entry(port)
            guard e.extraAddresses.contains(mac) else { throw .invalid("mac_addr remove: \(mac) is not an address of port \(port)") }
            if e.vfAddresses.contains(mac), let wire = e.port as? AFPacketPort {
                try VFMailbox.send(.removeMAC, mac: mac, source: wire.macAddress, on: wire.interface)
            }
            f.ports.update(port) {
                $0.extraAddresses.removeAll { $0 == mac }
                $0.vfAddresses.removeAll { $0 == mac }
            }
        case .portStart(let p):
            for id in try ids(p) { out += try startPort(id) }
        case .portStop(let p):
            for id in try ids(p) { out += try stopPort(id) }
        case .portClose(let p):
            for id in try ids(p) {
                let e = try entry(id)
                if e.started { out += try stopPort(id) }
                // Closing a VF port drops the addresses its PF granted (the guide: "port close should remove the VF MAC address").
                if !e.vfAddresses.isEmpty, let wire = e.port as? AFPacketPort {
                    try VFMailbox.send(.reset, mac: wire.macAddress, source: wire.macAddress, on: wire.interface)
                    f.ports.update(id) { $0.vfAddresses.removeAll() }
                }
                out += "Closing ports...\nPort \(id) is closed\nDone\n"
            }
        case .portAttach(let text):
            let port: any Port
            if let pci = KernelInterface.pciAddress(text) {
                port = try pciStandIn(pci)
            } else {
                port = try PortFactory.make(try DeviceSpec(text), pool: f.pool)
            }
            let id = try f.ports.add(port)
            out = "Attaching a new port...\nPort \(id) is attached. Now total ports is \(f.ports.ids.count)\nDone\n"
        case .portDetach(let id):
            let e = try entry(id)
            if e.started { throw .invalid("Please stop port \(id) first") }
            if e.bondedTo != nil { throw .invalid("Port \(id) is a bonding slave: remove bonding slave \(id) \(e.bondedTo!) first") }
            f.gracePeriod()
            e.port.close()
            f.ports.remove(id)
            out = "Removing a device...\nDevice is detached\nNow total ports is \(f.ports.ids.count)\nDone\n"
        case .createBond(let mode, _):
            try requireStopped()
            let b = try BondingPort(deviceName: "net_bonding_testpmd_\(bondCount)", mode: mode)
            let id = try f.ports.add(b)
            bondCount += 1
            out = "Created new bonded device \(b.deviceName) on (port \(id)).\n"
        case .addSlave(let slave, let bondID):
            let b = try bond(bondID)
            let e = try entry(slave)
            guard slave != bondID, !(e.port is BondingPort) else { throw .invalid("Port \(slave) cannot be a slave of \(bondID)") }
            if let other = e.bondedTo { throw .invalid("Port \(slave) is already a slave of bonded device \(other)") }
            try b.add(slave: slave, port: e.port)
            f.ports.update(slave) { $0.bondedTo = bondID }
            b.elect(f.ports)
        case .removeSlave(let slave, let bondID):
            let b = try bond(bondID)
            try b.remove(slave: slave)
            b.elect(f.ports)
            f.gracePeriod()
            b.release()
            f.ports.update(slave) { $0.bondedTo = nil }
        case .setPrimary(let slave, let bondID):
            let b = try bond(bondID)
            try b.setPrimary(slave)
            b.elect(f.ports)
        case .showBondingConfig(let id):
            let b = try bond(id)
            out = TestpmdFormat.bondingConfig(b, usable: b.usableSlaves(f.ports))
        case .vf(let c):
            out = try vfd(c)
        }
        return Reply(output: out, ok: true)
    }

    /// A VFd command: carried out by the emulated SR-IOV NIC of the PF port it names (every such port
    /// when it names none). `mac_addr add port P vf V` on any other port adds the address to that port,
    /// as on a VF port of a kernel PF; the rest are testpmd's "function not implemented" there.
    private func vfd(_ c: VFCommand) throws(FastPathError) -> String {
        var out = ""
        var done = false
        for id in c.port.map({ [$0] }) ?? forwarder.ports.ids {
            let e = try entry(id)
            if let pf = e.port as? SRIOVPort {
                out += try pf.execute(c, port: id)
                done = true
            } else if case .addMAC(_, _, let mac) = c {
                // A VF port of a kernel PF: the address is the PF's to grant, asked through the NIC's mailbox.
                if let wire = e.port as? AFPacketPort { try VFMailbox.send(.addMAC, mac: mac, source: wire.macAddress, on: wire.interface) }
                forwarder.ports.update(id) {
                    if !$0.extraAddresses.contains(mac) { $0.extraAddresses.append(mac) }
                    if !$0.vfAddresses.contains(mac) { $0.vfAddresses.append(mac) }
                }
                done = true
            }
        }
        guard done else { throw .invalid("function not implemented") }
        return out
    }

    /// A PCI device, which FastPath does not drive: an af_packet port on the kernel interface the
    /// device has (a guest's NIC after a hot-plug), named by its address as testpmd names it.
    private func pciStandIn(_ pci: String) throws(FastPathError) -> any Port {
        // A device just hot-plugged may still be probed by the kernel: wait for its interface (10 s at most).
        var found = KernelInterface.ofPCIDevice(pci)
        for _ in 0..<100 where found == nil {
            usleep(100_000)
            found = KernelInterface.ofPCIDevice(pci)
        }
        guard let interface = found else {
            throw .invalid(
                "port attach \(pci): FastPath drives no PCI devices, and \(pci) has had no kernel interface here to stand in for it for 10 s; attach a virtual device, e.g. port attach net_af_packet1,iface=<interface>"
            )
        }
        return try AFPacketPort(deviceName: pci, devargs: "iface=\(interface)", interface: interface, blockSize: 1 << 16, blockCount: 16, frameCount: 512)
    }

    private func startPort(_ id: Int) throws(FastPathError) -> String {
        let f = forwarder
        let e = try entry(id)
        if e.started { return "Port \(id) is now started already\n" }
        // A port's link as the application sees it: down while the port is stopped.
        let link = { (port: Int) in f.ports.entry(port)?.started == true && f.ports.port(port)?.linkUp == true }
        let linksBefore = ([id] + ((e.port as? BondingPort)?.slaves ?? [])).map { ($0, link($0)) }
        if let b = e.port as? BondingPort {
            for s in b.slaves where f.ports.entry(s)?.started == false { _ = try startPort(s) }
        }
        try e.port.start()
        f.ports.update(id) { $0.started = true }
        for bondID in f.bondIDs { (f.ports.port(bondID) as? BondingPort)?.elect(f.ports) }
        // The link check waits for a kernel interface's carrier (a hot-plugged NIC's comes up a moment
        // after the port starts) and a bond's for its slaves', as testpmd's waits: 9 s at most.
        if e.port is BondingPort || e.port is AFPacketPort || e.port is AFXDPPort {
            for _ in 0..<90 where !link(id) {
                usleep(100_000)
                for bondID in f.bondIDs { (f.ports.port(bondID) as? BondingPort)?.elect(f.ports) }
            }
        }
        // As dpdk-testpmd 22.11 prints it: the link check, and the link state change event of each port
        // whose link came up with this start (a bond's slaves too).
        var out = "Configuring Port \(id) (socket 0)\nPort \(id): \(e.port.macAddress)\nChecking link statuses...\n"
        for (port, wasUp) in linksBefore where !wasUp && link(port) { out += "\nPort \(port): link state change event\n" }
        return out + "Done\n"
    }

    private func stopPort(_ id: Int) throws(FastPathError) -> String {
        let f = forwarder
        let e = try entry(id)
        if !e.started { return "Device with port_id=\(id) already stopped\n" }
        if f.isForwarding && f.plannedStreams.contains(where: { $0.rx == id || $0.tx == id }) {
            throw .invalid("Please remove port \(id) from forwarding configuration.")
        }
        // A bond's slave: move traffic off it, wait until no lcore is inside it, then stop it.
        f.ports.update(id) { $0.started = false }
        if let bondID = e.bondedTo { (f.ports.port(bondID) as? BondingPort)?.elect(f.ports) }
        f.gracePeriod()
        e.port.stop()
        return "Stopping ports...\nDone\n"
    }

    private func stopReport() -> String {
        let f = forwarder
        var out = "Telling cores to stop...\nWaiting for lcores to finish...\n"
        var total = PortCounters()
        let ports = f.stop()
        // Like testpmd: with more streams than ports (several queues), each stream's own block first.
        if f.lastRunStreams.count > ports.count {
            for (stream, run) in f.lastRunStreams { out += TestpmdFormat.streamStats(stream, run) + "\n" }
        }
        for (id, run) in ports {
            total = total + run
            out += TestpmdFormat.forwardStats(id, run) + "\n"
        }
        out += TestpmdFormat.accumulated(total) + "\n\nDone.\n"
        return out
    }
}
