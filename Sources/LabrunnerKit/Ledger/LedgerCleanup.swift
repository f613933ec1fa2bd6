import Foundation

/// Replays the pending undos of one run's ledger, or of every run under a report directory.
package struct LedgerCleanup {
    package let runDirectory: URL?
    package let reportRoot: URL

    /// Creates it from its parts.
    package init(runDirectory: URL?, reportRoot: URL) {
        self.runDirectory = runDirectory
        self.reportRoot = reportRoot
    }

    package func run() async -> (lines: [String], problems: [String]) {
        var lines: [String] = []
        var problems: [String] = []
        let directories: [URL]
        if let runDirectory {
            directories = [runDirectory]
        } else {
            do {
                directories = try FileManager.default.contentsOfDirectory(at: reportRoot, includingPropertiesForKeys: nil).sorted { $0.path < $1.path }
            } catch {
                let problem = "--report \(reportRoot.path): no such report directory (runs write theirs there; see labrunner run --report)"
                return ([problem], [problem])
            }
        }
        for directory in directories {
            let file = directory.appendingPathComponent("ledger.jsonl")
            guard FileManager.default.fileExists(atPath: file.path) else {
                if runDirectory != nil { problems.append("\(directory.path) has no ledger.jsonl") }
                continue
            }
            let ledger: Ledger
            do { ledger = try Ledger(existing: file) } catch {
                problems.append("\(error)")
                lines.append("\(directory.lastPathComponent): \(error)")
                continue
            }
            let pending = await ledger.pending
            if pending.isEmpty { continue }
            let failed = await ledger.undoAll()
            lines.append("\(directory.lastPathComponent): undid \(pending.count - failed.count) of \(pending.count)")
            lines += failed.map { "  could not undo \($0)" }
            problems += failed
        }
        if lines.isEmpty && problems.isEmpty { lines.append("nothing to clean up") }
        return (lines, problems)
    }
}
