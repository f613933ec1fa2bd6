/// One resource a run created, and the command that removes it.
struct LedgerEntry: Codable, Sendable, Equatable {
    /// Position in the ledger.
    var seq: Int
    /// namespace, process, socket, file, …
    var kind: String
    /// What it is, for people.
    var name: String
    /// argv that undoes it.
    var undo: [String]
}
