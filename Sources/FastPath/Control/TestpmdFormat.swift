/// testpmd's output shapes, reproduced so the guide's readers and labrunner's parsers read FastPath
/// the same way they read testpmd.
enum TestpmdFormat {
    static func pad(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let s = value.description
        return s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    static func right(_ value: some CustomStringConvertible, _ width: Int) -> String {
        let s = value.description
        return s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }

    /// `show port stats`.
    static func portStats(_ id: Int, _ c: PortCounters, rate: (rx: UInt64, tx: UInt64, rxBits: UInt64, txBits: UInt64)) -> String {
        """

          ######################## NIC statistics for port \(id)  ########################
          RX-packets: \(pad(c.rxPackets, 10)) RX-missed: \(pad(c.rxMissed, 10)) RX-bytes:  \(c.rxBytes)
          RX-errors: \(c.rxErrors)
          RX-nombuf:  \(pad(c.rxNoBuffer, 10))
          TX-packets: \(pad(c.txPackets, 10)) TX-errors: \(pad(c.txDropped, 10)) TX-bytes:  \(c.txBytes)

          Throughput (since last show)
          Rx-pps: \(right(rate.rx, 12))          Rx-bps: \(right(rate.rxBits, 12))
          Tx-pps: \(right(rate.tx, 12))          Tx-bps: \(right(rate.txBits, 12))
          ############################################################################
        """
    }

    /// `show vf stats P V`, as testpmd prints a VF's counters.
    static func vfStats(port: Int, vf: Int, _ c: PortCounters) -> String {
        let border = String(repeating: "#", count: 24)
        return """

              \(border) NIC statistics for port \(pad(port, 2)) vf \(pad(vf, 2)) \(border)
              RX-packets: \(pad(c.rxPackets, 10)) RX-missed: \(pad(c.rxMissed, 10)) RX-bytes:  \(c.rxBytes)
              RX-errors: 0
              RX-nombuf:  \(pad(0, 10))
              TX-packets: \(pad(c.txPackets, 10)) TX-errors: \(pad(c.txDropped, 10)) TX-bytes:  \(c.txBytes)
              \(border)############################\(border)

            """
    }

    /// The per-stream block `stop` prints when ports have several queues.
    static func streamStats(_ s: Stream, _ c: PortCounters) -> String {
        """

          ------- Forward Stats for RX Port=\(right(s.rx, 2))/Queue=\(right(s.queue, 2)) -> TX Port=\(right(s.tx, 2))/Queue=\(right(s.queue, 2)) -------
          RX-packets: \(pad(c.rxPackets, 14)) TX-packets: \(pad(c.txPackets, 14)) TX-dropped: \(pad(c.txDropped, 14))
        """
    }

    /// The per-port block `stop` prints.
    static func forwardStats(_ id: Int, _ c: PortCounters) -> String {
        """

          ---------------------- Forward statistics for port \(id)  ----------------------
          RX-packets: \(pad(c.rxPackets, 14)) RX-dropped: \(pad(c.rxMissed, 14)) RX-total: \(c.rxPackets &+ c.rxMissed)
          TX-packets: \(pad(c.txPackets, 14)) TX-dropped: \(pad(c.txDropped, 14)) TX-total: \(c.txPackets &+ c.txDropped)
          ----------------------------------------------------------------------------
        """
    }

    /// The accumulated block `stop` prints.
    static func accumulated(_ c: PortCounters) -> String {
        """

          +++++++++++++++ Accumulated forward statistics for all ports+++++++++++++++
          RX-packets: \(pad(c.rxPackets, 14)) RX-dropped: \(pad(c.rxMissed, 14)) RX-total: \(c.rxPackets &+ c.rxMissed)
          TX-packets: \(pad(c.txPackets, 14)) TX-dropped: \(pad(c.txDropped, 14)) TX-total: \(c.txPackets &+ c.txDropped)
          ++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++++
        """
    }

    /// `show config fwd`.
    static func configFwd(_ config: ForwardingConfig, streams: [Stream], ports: Int) -> String {
        let cpus = Array(Set(streams.map(\.cpu))).sorted()
        var lines = [
            "\(config.mode.rawValue)\(config.retry ? " retry" : "") packet forwarding - ports=\(ports) - cores=\(cpus.count) - streams=\(streams.count) - NUMA support enabled, MP allocation mode: native"
        ]
        for cpu in cpus {
            let mine = streams.filter { $0.cpu == cpu }
            lines.append("Logical Core \(cpu) (socket 0) forwards packets on \(mine.count) streams:")
            for s in mine {
                lines.append("  RX P=\(s.rx)/Q=\(s.queue) (socket 0) -> TX P=\(s.tx)/Q=\(s.queue) (socket 0) peer=\(s.peer)")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `show port info`.
    static func portInfo(_ id: Int, _ entry: PortTable.Entry, config: ForwardingConfig) -> String {
        let p = entry.port
        return """

            ********************* Infos for port \(id)  *********************
            MAC address: \(p.macAddress)
            Device name: \(p.deviceName)
            Driver name: \(p.driverName)
            Firmware-version: not available
            Devargs: \(p.devargs)
            Connect to socket: 0
            memory allocation on the socket: 0
            Link status: \(p.linkUp ? "up" : "down")
            Link speed: \(p.linkUp ? "10 Gbps" : "None")
            Link duplex: full-duplex
            Autoneg status: Off
            MTU: \(p.mtu)
            Promiscuous mode: \(entry.promiscuous ? "enabled" : "disabled")
            Allmulticast mode: enabled
            Maximum number of MAC addresses: \(1 + 16)
            Maximum number of MAC addresses of hash filtering: 0
            Current number of RX queues: \(min(config.rxQueues, p.queueCount))
            Max possible RX queues: \(p.queueCount)
            Current number of TX queues: \(min(config.txQueues, p.queueCount))
            Max possible TX queues: \(p.queueCount)
            Port state: \(entry.started ? "started" : "stopped")
            """
                + (config.rxOffloads.isEmpty
                    ? ""
                    : "\nRx offloads requested: \(config.rxOffloads.joined(separator: " ")) (FastPath leaves frames as they come: no aggregation, no checksum check)")
                + p.details.map { "\n" + $0 }.joined()
    }

    /// `show bonding config`.
    static func bondingConfig(_ bond: BondingPort, usable: [Int]) -> String {
        func list(_ ids: [Int]) -> String { "[" + ids.map(String.init).joined(separator: " ") + "]" }
        var lines = ["\tBonding mode: \(bond.mode)"]
        if bond.slaves.isEmpty {
            lines.append("\tSlaves: []")
        } else {
            lines.append("\tSlaves (\(bond.slaves.count)): \(list(bond.slaves))")
        }
        if usable.isEmpty {
            lines.append("\tActive Slaves: []")
        } else {
            lines.append("\tActive Slaves (\(usable.count)): \(list(usable))")
        }
        if let primary = bond.primary { lines.append("\tPrimary: [\(primary)]") }
        if let active = bond.activeSlave { lines.append("\tCurrent Primary: [\(active)]") }
        return lines.joined(separator: "\n") + "\n"
    }
}
