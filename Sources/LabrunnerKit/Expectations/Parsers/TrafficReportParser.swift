import Foundation
import Scenarios

/// The traffic generator's JSON report: every numeric or text field, with `loss` in percent and
/// `outage` in milliseconds.
struct TrafficReportParser: OutputParser {
    func parse(_ output: String) throws -> [String: String] {
        guard let object = JSONValue.reply(in: output)?.fields else { throw ParseError(description: "no JSON traffic report in the output") }
        var out: [String: String] = [:]
        for (key, value) in object {
            // The loss windows are for the report's timeline, not a value to compare.
            if value.elements != nil { continue }
            let unit = key == "loss" ? "%" : key == "outage" ? "ms" : ""
            out[key] = value.text + unit
        }
        return out
    }
}
