import Foundation
import Scenarios

/// HMP `info status` ("VM status: paused (inmigrate)") or QMP `query-status`.
struct StatusParser: OutputParser {
    func parse(_ output: String) throws -> [String: String] {
        if let object = JSONValue.reply(in: output), let status = object["status"]?.string {
            let running = object["running"]?.bool ?? (status == "running")
            return ["status": status, "running": String(running), "reason": running ? "" : status]
        }
        guard let line = output.split(whereSeparator: \.isNewline).first(where: { $0.contains("VM status:") }) else {
            throw ParseError(description: "neither 'VM status:' nor a query-status reply")
        }
        let text = line[line.range(of: "VM status:")!.upperBound...].trimmingCharacters(in: .whitespaces)
        if text == "running" { return ["status": "running", "running": "true", "reason": ""] }
        let reason = text.firstIndex(of: "(").map { String(text[text.index(after: $0)...].dropLast()) } ?? ""
        return ["status": reason.isEmpty ? text : reason, "running": "false", "reason": reason]
    }
}
