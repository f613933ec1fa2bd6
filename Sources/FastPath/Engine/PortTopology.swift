/// How testpmd pairs receive and transmit ports into streams (`--port-topology`).
public enum PortTopology: String, Sendable, CaseIterable {
    /// 0↔1, 2↔3…
    case paired
    /// 0→1→2…→0
    case chained
    /// Each port transmits where it receives.
    case loop

    /// The transmit port for each forwarding port, by position in `ports`.
    public func peers(of ports: [Int]) -> [(rx: Int, tx: Int)] {
        let n = ports.count
        return ports.indices.map { i in
            switch self {
            case .loop: return (ports[i], ports[i])
            case .chained: return (ports[i], ports[(i + 1) % n])
            case .paired:
                let j = i % 2 == 0 ? i + 1 : i - 1
                return (ports[i], ports[j < n ? j : i])
            }
        }
    }
}
