/// A cable of the virtual lab: a veth pair between two namespace interfaces (a `links:` entry), or a
/// host NIC or generator port no link names, whose far end stays unplugged in the same namespace.
/// Switch ports are enslaved to a bridge in the switch's namespace.
public struct Wire: Sendable, Equatable {
    /// One end of a wire.
    public struct End: Sendable, Equatable, CustomStringConvertible {
        /// Network namespace.
        public var namespace: String
        /// Interface name.
        public var interface: String
        /// Whether the end belongs to a switch (enslaved to its bridge).
        public var bridged: Bool
        /// Whether that switch floods every frame to every port (`flood: true`: no MAC learning).
        public var flood = false
        /// A flooding switch's port toward a host (not a generator): isolated from the other such ports,
        /// so the switch carries the generator's frames to every host and theirs back to it, never host
        /// to host — two of a host's NICs bridged together (the SR-IOV how-to's virbr0) make no loop.
        public var isolated = false

        /// Creates an end.
        public init(namespace: String, interface: String, bridged: Bool, flood: Bool = false, isolated: Bool = false) {
            self.namespace = namespace
            self.interface = interface
            self.bridged = bridged
            self.flood = flood
            self.isolated = isolated
        }

        public var description: String {
            "\(namespace):\(interface)\(bridged ? (flood ? (isolated ? " (flooding bridge, isolated port)" : " (flooding bridge)") : " (bridge)") : "")"
        }
    }

    /// The first end.
    public var a: End
    /// The far end; nil for an unplugged port (labrunner names its peer itself).
    public var b: End?

    /// Computes the wires of a scenario bound to the virtual lab: every link whose ends are
    /// namespace roles, and every host NIC and generator port left over.
    public static func plan(_ scenario: Scenario, bindings: [String: LabHost]) -> [Wire] {
        func end(_ text: String) -> End? {
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard parts.count == 2, let role = scenario.role(parts[0]), role.kind != .vm, role.kind != .container,
                let namespace = bindings[parts[0]]?.namespace
            else { return nil }
            var flood = false
            if case .switchDevice(let s) = role.spec { flood = s.flood }
            return End(namespace: namespace, interface: parts[1], bridged: role.kind == .switchDevice, flood: flood)
        }
        var wires = [Wire]()
        var used = Set<String>()
        func isGenerator(_ text: String) -> Bool { scenario.role(String(text.split(separator: ":")[0]))?.kind == .trafficgen }
        for link in scenario.links {
            guard var a = end(link.a.value), var b = end(link.b.value) else { continue }
            a.isolated = a.flood && !isGenerator(link.b.value)
            b.isolated = b.flood && !isGenerator(link.a.value)
            wires.append(Wire(a: a, b: b))
            used.formUnion([link.a.value, link.b.value])
        }
        for role in scenario.roles {
            let ports: [String]
            switch role.spec {
            case .host(let h): ports = h.nics.map(\.name.value)
            case .trafficgen(let t): ports = t.ports
            default: ports = []
            }
            for port in ports where !used.contains("\(role.name.value):\(port)") {
                if let a = end("\(role.name.value):\(port)") { wires.append(Wire(a: a, b: nil)) }
            }
        }
        return wires
    }
}
