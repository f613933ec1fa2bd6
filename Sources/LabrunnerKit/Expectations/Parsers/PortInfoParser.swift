import Foundation

/// `show port info all|N`: one "Infos for port N" block per port.
struct PortInfoParser: OutputParser {
    private static let fields: [(String, String)] = [
        ("MAC address", "mac"), ("Device name", "name"), ("Driver name", "driver"), ("Link status", "link"),
        ("Link speed", "speed"), ("Link duplex", "duplex"), ("Promiscuous mode", "promiscuous"),
    ]

    func parse(_ output: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (port, line) in PortBlocks.lines(output, header: "Infos for port ") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            if let name = Self.fields.first(where: { $0.0 == key })?.1 {
                var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                if name == "speed" { value = value.replacingOccurrences(of: " Gbps", with: "Gbps").replacingOccurrences(of: " Mbps", with: "Mbps") }
                out["\(port).\(name)"] = value
            }
        }
        if out.isEmpty { throw ParseError(description: "no 'Infos for port N' block in the output") }
        return out
    }
}
