import Foundation

/// `show bonding config N`, in DPDK 17.08's and 22.11's forms.
struct BondingConfigParser: OutputParser {
    func parse(_ output: String) throws -> [String: String] {
        var out: [String: String] = [:]
        for raw in output.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let members = value.trimmingCharacters(in: CharacterSet(charactersIn: "[] ")).split(separator: " ").joined(separator: " ")
            switch key {
            case "Bonding mode": out["mode"] = value.split(separator: " ").first.map(String.init)
            case "Balance Xmit Policy": out["balance_policy"] = value
            case _ where key.hasPrefix("Slaves") || key.hasPrefix("Members"):
                out["slaves"] = members
                out["slave_count"] = String(members.split(separator: " ").count)
            case _ where key.hasPrefix("Active Slaves") || key.hasPrefix("Active Members"):
                out["active_slaves"] = members
                out["active_count"] = String(members.split(separator: " ").count)
            case "Primary": out["primary"] = members
            case "Current Primary": out["current_primary"] = members
            default: continue
            }
        }
        guard out["mode"] != nil else { throw ParseError(description: "no 'Bonding mode:' line in the output") }
        if out["current_primary"] == nil { out["current_primary"] = out["primary"] }
        for key in ["slaves", "active_slaves"] where out[key] == nil {
            out[key] = ""
            out[key == "slaves" ? "slave_count" : "active_count"] = "0"
        }
        return out
    }
}
