import Foundation

/// testpmd's (and FastPath's) `show port stats all`: one "NIC statistics for port N" block per port.
struct PortStatsParser: OutputParser {
    private static let fields: [(String, String)] = [
        ("RX-packets", "rx_packets"), ("RX-missed", "rx_missed"), ("RX-bytes", "rx_bytes"), ("RX-errors", "rx_errors"),
        ("RX-nombuf", "rx_nombuf"), ("TX-packets", "tx_packets"), ("TX-errors", "tx_errors"), ("TX-bytes", "tx_bytes"),
        ("Rx-pps", "rx_pps"), ("Tx-pps", "tx_pps"),
    ]

    func parse(_ output: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for (port, line) in PortBlocks.lines(output, header: "NIC statistics for port ") {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            for (index, word) in words.enumerated() where word.hasSuffix(":") && index + 1 < words.count {
                let key = String(word.dropLast())
                if let name = Self.fields.first(where: { $0.0 == key })?.1, Int(words[index + 1]) != nil {
                    out["\(port).\(name)"] = name.hasSuffix("pps") ? "\(words[index + 1])pps" : String(words[index + 1])
                }
            }
        }
        if out.isEmpty { throw ParseError(description: "no 'NIC statistics for port N' block in the output") }
        return out
    }
}
