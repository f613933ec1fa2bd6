import Foundation
import Scenarios

/// HMP `info migrate` (QEMU 2.x "11834 milliseconds" or 7.x "24 ms") or QMP `query-migrate`.
struct MigrateParser: OutputParser {
    private static let hmp: [(String, String)] = [
        ("Migration status", "status"), ("total time", "total_time"), ("downtime", "downtime"), ("setup", "setup"),
        ("transferred ram", "transferred_ram"), ("throughput", "throughput"), ("remaining ram", "remaining_ram"),
        ("total ram", "total_ram"), ("duplicate", "duplicate"), ("skipped", "skipped"), ("normal", "normal"),
        ("normal bytes", "normal_bytes"), ("dirty sync count", "dirty_sync_count"),
    ]

    func parse(_ output: String) throws -> [String: String] {
        if let object = JSONValue.reply(in: output), let status = object["status"]?.string {
            var out = ["status": status]
            let ram = object["ram"] ?? .object([])
            func number(_ value: JSONValue?) -> String? { value?.number != nil ? value?.text : nil }
            let pairs: [(String, JSONValue?, String)] = [
                ("total_time", object["total-time"], "ms"), ("downtime", object["downtime"], "ms"), ("setup", object["setup-time"], "ms"),
                ("transferred_ram", ram["transferred"], "B"), ("throughput", ram["mbps"], "mbps"), ("remaining_ram", ram["remaining"], "B"),
                ("total_ram", ram["total"], "B"), ("duplicate", ram["duplicate"], "pages"), ("skipped", ram["skipped"], "pages"),
                ("normal", ram["normal"], "pages"), ("normal_bytes", ram["normal-bytes"], "B"), ("dirty_sync_count", ram["dirty-sync-count"], ""),
            ]
            for (name, value, unit) in pairs { if let n = number(value) { out[name] = n + unit } }
            return out
        }
        var out: [String: String] = [:]
        for line in output.split(whereSeparator: \.isNewline) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon].trimmingCharacters(in: .whitespaces)
            guard let name = Self.hmp.first(where: { $0.0 == key })?.1 else { continue }
            let words = line[line.index(after: colon)...].split(separator: " ")
            guard let first = words.first else { continue }
            if name == "status" {
                out[name] = String(first)
                continue
            }
            let unit = words.count > 1 ? (words[1] == "milliseconds" ? "ms" : String(words[1])) : ""
            out[name] = String(first) + unit
        }
        guard out["status"] != nil else { throw ParseError(description: "neither 'Migration status:' nor a query-migrate reply") }
        return out
    }
}
