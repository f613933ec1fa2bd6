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

    /// Why a ledger cannot be used.
    struct RefusedError: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates a run's own ledger: a new file (never one already there: a planted ledger would have its
    /// undos run as root), readable by its owner only, locked for as long as the run lives.
    init(file: URL) throws {
        let fd = open(file.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else {
            throw RefusedError(description: "cannot create \(file.path): \(String(cString: strerror(errno))) (a run's ledger is always new)")
        }
        flock(fd, LOCK_EX)
        self.file = file
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
    }

    /// Opens the ledger of an earlier run for `labrunner cleanup`: refused unless this user owns it
    /// and its directory and no one else can write either (its undos run as this user, root on a lab
    /// host), and while the run that writes it still lives (it holds the ledger's lock).
    init(existing file: URL) throws {
        let directory = file.deletingLastPathComponent().path
        for (path, what) in [(directory, "its run directory"), (file.path, "it")] {
            var st = stat()
            guard lstat(path, &st) == 0 else { throw RefusedError(description: "\(path): \(String(cString: strerror(errno)))") }
            if st.st_mode & S_IFMT == S_IFLNK { throw RefusedError(description: "\(file.path) refused: \(what) is a symbolic link") }
            if st.st_uid != geteuid() { throw RefusedError(description: "\(file.path) refused: \(what) belongs to uid \(st.st_uid), not to this user") }
            if st.st_mode & 0o022 != 0 {
                throw RefusedError(description: "\(file.path) refused: others can write \(what) (mode \(String(st.st_mode & 0o777, radix: 8)))")
            }
        }
        let fd = open(file.path, O_RDWR | O_APPEND | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { throw RefusedError(description: "cannot open \(file.path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw RefusedError(description: "\(file.path): its run is still going (it holds the ledger); stop it, and it cleans up itself")
        }
        self.file = file
        handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        let text = (try? String(contentsOf: file, encoding: .utf8)) ?? ""
        for line in text.split(separator: "\n") {
            let data = Data(line.utf8)
            if let entry = try? JSONDecoder().decode(LedgerEntry.self, from: data) {
                entries.append(entry)
            } else if let mark = try? JSONDecoder().decode(Undone.self, from: data) {
                undone.insert(mark.undone)
            }
        }
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

    /// Whether a resource of this kind and name was recorded and is not undone yet.
    func isPending(kind: String, name: String) -> Bool {
        entries.contains { $0.kind == kind && $0.name == name && !undone.contains($0.seq) }
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
