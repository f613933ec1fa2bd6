import Foundation

/// Every resource a run creates, written to `ledger.jsonl` in the run directory as it happens (one
/// JSON object per line, flushed), so that the run itself — or `labrunner cleanup` after a crash —
/// can undo them in reverse order.
actor Ledger {
    /// The file.
    let file: URL
    private var entries: [LedgerEntry] = []
    private var undone: Set<Int> = []
    private let handle: FileHandle

    private struct Undone: Codable { var undone: Int }

    /// Opens (or creates) the ledger file, reading entries already in it.
    init(file: URL) throws {
        self.file = file
        if !FileManager.default.fileExists(atPath: file.path) {
            _ = FileManager.default.createFile(atPath: file.path, contents: nil)
        }
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let data = Data(line.utf8)
            if let entry = try? JSONDecoder().decode(LedgerEntry.self, from: data) {
                entries.append(entry)
            } else if let mark = try? JSONDecoder().decode(Undone.self, from: data) {
                undone.insert(mark.undone)
            }
        }
        handle = try FileHandle(forWritingTo: file)
        handle.seekToEndOfFile()
    }

    /// Records a resource; returns its sequence number.
    @discardableResult
    func record(kind: String, name: String, undo: [String]) -> Int {
        let entry = LedgerEntry(seq: (entries.last?.seq ?? 0) + 1, kind: kind, name: name, undo: undo)
        entries.append(entry)
        append(entry)
        return entry.seq
    }

    /// Marks resources the scenario removed itself (a destroy or undefine step) as undone.
    func resolve(kind: String, name: String) {
        for entry in entries where entry.kind == kind && entry.name == name && !undone.contains(entry.seq) {
            undone.insert(entry.seq)
            append(Undone(undone: entry.seq))
        }
    }

    /// Resources not undone yet, newest first.
    var pending: [LedgerEntry] { entries.filter { !undone.contains($0.seq) }.reversed() }

    /// Runs every pending undo, newest first; returns what could not be undone.
    func undoAll() async -> [String] {
        var problems: [String] = []
        for entry in pending {
            do {
                let result = try await LocalExecutor.run(entry.undo, timeout: .seconds(30))
                if result.status != 0 && !Self.alreadyGone(result.stderr) {
                    problems.append(
                        "\(entry.kind) \(entry.name): \(entry.undo.joined(separator: " ")) exited \(result.status): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))"
                    )
                    continue
                }
            } catch {
                problems.append("\(entry.kind) \(entry.name): \(error)")
                continue
            }
            undone.insert(entry.seq)
            append(Undone(undone: entry.seq))
        }
        return problems
    }

    /// An undo that finds nothing to remove has nothing left to do.
    private static func alreadyGone(_ stderr: String) -> Bool {
        ["No such file", "No such process", "not found", "Cannot find", "failed to get domain", "domain is not running"].contains { stderr.contains($0) }
    }

    private func append(_ value: some Encodable) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard var data = try? encoder.encode(value) else { return }
        data.append(0x0A)
        handle.write(data)
        try? handle.synchronize()
    }
}
