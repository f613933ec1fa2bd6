import Foundation
import Scenarios

/// The generator's throughput search result: `ndr`, `pdr` (and their `_upper` rates) in pps (and
/// `ndr_mpps`, `pdr_mpps` in Mpps, as the guide's results template has them), the
/// verification trials' `ndr_verify_loss`, `ndr_above_loss`… in %, `trials`, `seconds` in s, `capped`.
/// A goal that was not searched is absent.
struct SearchResultParser: OutputParser {
    func parse(_ output: String) throws -> [String: String] {
        guard let object = JSONValue.reply(in: output)?.fields, object.contains(where: { $0.0 == "trials" }) else {
            throw ParseError(description: "no JSON search result in the output")
        }
        var out: [String: String] = [:]
        for (key, value) in object where key != "trial_log" && value != .null {
            let unit = key == "seconds" ? "s" : key.hasSuffix("_loss") ? "%" : key == "trials" || key == "capped" ? "" : "pps"
            out[key] = value.text + unit
            // The guide's results template gives the result in Mpps.
            if key == "ndr" || key == "pdr", let pps = Double(value.text) { out[key + "_mpps"] = String(format: "%.6fMpps", pps / 1e6) }
        }
        return out
    }
}
