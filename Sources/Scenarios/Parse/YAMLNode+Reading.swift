/// Typed reads used by the model builder, after the shape checker has reported structural errors.
/// Invalid values read as nil: they were already diagnosed.
extension YAMLNode {
    /// The scalar at `key`, with its location.
    func text(_ key: String) -> Located<String>? {
        guard let node = self[key], case .scalar(let s, let quoted, let at) = node, !(s.isEmpty && !quoted) else { return nil }
        return Located(s, at: at)
    }

    /// The integer at `key`.
    func int(_ key: String) -> Int? { text(key).flatMap { Int($0.value) } }

    /// The boolean at `key`.
    func bool(_ key: String) -> Bool? { text(key).flatMap { ScalarFormat.boolean($0.value) } }

    /// The quantity at `key` (sizes, durations, rates).
    func quantity(_ key: String) -> Located<Quantity>? {
        guard let t = text(key), let q = Quantity(t.value) else { return nil }
        return Located(q, at: t.location)
    }

    /// A list of scalars at `key`; a single scalar reads as a one-element list.
    func texts(_ key: String) -> [Located<String>] {
        guard let node = self[key] else { return [] }
        if case .scalar(let s, _, let at) = node { return s.isEmpty ? [] : [Located(s, at: at)] }
        return (node.items ?? []).compactMap { item in
            if case .scalar(let s, _, let at) = item { return Located(s, at: at) }
            return nil
        }
    }

    /// The mappings in the list at `key`.
    func objects(_ key: String) -> [YAMLNode] { (self[key]?.items ?? []).filter { $0.entries != nil } }

    /// The entries of the mapping at `key`.
    func dictionary(_ key: String) -> [YAMLEntry] { self[key]?.entries ?? [] }

    /// Every mapping entry in this node and below it, depth first.
    var allEntries: [YAMLEntry] {
        switch self {
        case .mapping(let entries, _): entries.flatMap { [$0] + $0.value.allEntries }
        case .sequence(let items, _): items.flatMap(\.allEntries)
        case .scalar: []
        }
    }

    /// The core list at `key`.
    func cores(_ key: String) -> Located<CoreList>? {
        guard let t = text(key), let c = try? CoreList(parsing: t.value) else { return nil }
        return Located(c, at: t.location)
    }
}
