/// Builds the traffic generator command: labrunner's FastPath-based generator (sequence-numbered
/// UDP flows, so loss and gaps are counted) on the virtual lab and on hosts without equipment.
public struct TrafficCommandLine: Sendable {
    /// The traffic spec.
    public let spec: TrafficSpec
    /// The generator role.
    public let generator: Role?

    /// Creates a builder.
    public init(spec: TrafficSpec, generator: Role?) {
        self.spec = spec
        self.generator = generator
    }

    /// The port the step names, else the generator's only one (the checker requires one of them).
    public var port: String? {
        if case .trafficgen(let t) = generator?.spec { return spec.port(on: t) }
        return spec.port
    }

    /// The arguments, starting with the binary.
    public var arguments: [String] {
        var a = ["labrunner", "traffic", spec.action.rawValue]
        guard !spec.action.endsARun else { return a + (port.map { ["--port", $0] } ?? []) }
        if let port {
            a += ["--port", port]
            // Probes are counted back on the generator's other ports (on the sending port when it has one).
            if case .trafficgen(let t) = generator?.spec {
                for other in t.ports where other != port { a += ["--rx-port", other] }
            }
        }
        if let mac = spec.dstMAC?.description ?? spec.deferredMAC { a += ["--dst-mac", mac] }
        if let ip = spec.srcIP { a += ["--src-ip", ip] }
        if let ip = spec.dstIP { a += ["--dst-ip", ip] }
        a += ["--proto", spec.proto]
        if let port = spec.srcPort { a += ["--src-port", "\(port)"] }
        if let port = spec.dstPort { a += ["--dst-port", "\(port)"] }
        if let vxlan = spec.vxlan {
            a += ["--vni", "\(vxlan.vni)"]
            if let mac = vxlan.innerDstMAC { a += ["--inner-dst-mac", mac.description] }
            if let vlan = vxlan.innerVLAN { a += ["--inner-vlan", "\(vlan)"] }
            if let ip = vxlan.innerDstIP { a += ["--inner-dst-ip", ip] }
        }
        a += ["--frame-size", "\(spec.frameSize)", "--flows", "\(spec.flows)"]
        // A search's highest rate: max_rate, else the step's rate.
        if let rate = (spec.search?.maxRate ?? spec.rate)?.description ?? spec.deferredRate { a += ["--rate", rate] }
        if let duration = spec.duration, spec.search == nil { a += ["--duration", duration.description] }
        if let search = spec.search {
            for goal in search.goals { a += ["--goal", goal] }
            let options: [(String, Quantity?)] = [
                ("--pdr-loss", search.pdrLoss), ("--width", search.width), ("--trial", search.trial), ("--final", search.final),
                ("--max-time", search.maxTime),
            ]
            for case (let option, let value?) in options { a += [option, value.description] }
            if search.verify { a.append("--verify") }
        }
        return a
    }
}
