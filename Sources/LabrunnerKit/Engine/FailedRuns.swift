import Foundation
import Scenarios

/// What failed in an earlier run directory or nightly report directory (`labrunner run
/// --rerun-failed DIR`): each scenario whose latest run there failed, errored or was interrupted,
/// with the param values and rounds it ran with, so the rerun compiles the same steps.
package enum FailedRuns {
    /// Why the directory gives nothing to rerun from.
    package struct Problem: Error, CustomStringConvertible {
        package let description: String
    }

    /// The scenarios to run again; empty when everything there passed or was skipped.
    package static func requests(in directory: URL) throws(Problem) -> [ScenarioRequest] {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        guard manager.fileExists(atPath: directory.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw Problem(description: "--rerun-failed \(directory.path): no such directory (give a run directory or a report directory)")
        }
        let own = directory.appendingPathComponent("run.json")
        let reports: [URL]
        if manager.fileExists(atPath: own.path) {
            reports = [own]
        } else {
            let children = (try? manager.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? []
            // Oldest first, by when each run wrote its run.json (at its end).
            func written(_ url: URL) -> Date { (try? manager.attributesOfItem(atPath: url.path)[.modificationDate] as? Date) ?? .distantPast }
            reports = children.map { $0.appendingPathComponent("run.json") }.filter { manager.fileExists(atPath: $0.path) }
                .map { ($0, written($0)) }.sorted { $0.1 < $1.1 }.map(\.0)
        }
        guard !reports.isEmpty else { throw Problem(description: "--rerun-failed \(directory.path): no run.json in it or in its run directories") }
        var latest: [String: (failed: Bool, request: ScenarioRequest)] = [:]
        var order: [String] = []
        for report in reports {
            guard let text = try? String(contentsOf: report, encoding: .utf8), let run = JSONValue(parsing: text), let file = run["file"]?.string else {
                throw Problem(description: "\(report.path) is not a labrunner run.json")
            }
            let verdict = run["verdict"]?.string ?? (run["exit_code"]?.number == 0 ? "passed" : "failed")
            let overrides = run["params"]?.fields.compactMap { name, value in value.string.map { "\(name)=\($0)" } } ?? []
            if latest[file] == nil { order.append(file) }
            let rounds = max(1, run["rounds"]?.elements?.count ?? 1)
            latest[file] = (["failed", "error", "interrupted"].contains(verdict), ScenarioRequest(file: file, overrides: overrides, rounds: rounds))
        }
        return order.compactMap { latest[$0]!.failed ? latest[$0]!.request : nil }
    }
}
