import Foundation

/// `tcpdump -nr file`: how many packets, the link type, and the first packet's addresses.
struct TcpdumpParser: OutputParser {
    func parse(_ output: String) throws -> [String: String] {
        var out: [String: String] = ["packets": "0"]
        var packets = 0
        for line in output.split(whereSeparator: \.isNewline) {
            if let range = line.range(of: "link-type ") {
                out["link_type"] = line[range.upperBound...].split(separator: " ").first.map(String.init)
                continue
            }
            let words = line.split(separator: " ")
            // A packet line starts with a timestamp, hh:mm:ss.micro.
            guard let first = words.first, first.filter({ $0 == ":" }).count == 2, first.contains(".") else { continue }
            packets += 1
            if packets == 1, let gt = words.firstIndex(of: ">"), gt > 1, gt + 1 < words.count {
                out["first_proto"] = String(words[1])
                out["first_src"] = String(words[gt - 1])
                out["first_dst"] = String(words[gt + 1].trimmingCharacters(in: CharacterSet(charactersIn: ":")))
            }
        }
        guard out["link_type"] != nil || packets > 0 else { throw ParseError(description: "not tcpdump -r output") }
        out["packets"] = String(packets)
        return out
    }
}
