/// Tree rewrites used to expand templates and substitute params; locations are kept so later
/// diagnostics still point at what the user wrote.
extension YAMLNode {
    /// The tree with every scalar's text passed through `transform`, except values of the keys in `except`.
    func mapScalars(except: Set<String> = [], keys: Bool = false, _ transform: (String, SourceLocation) -> String) -> YAMLNode {
        switch self {
        case .scalar(let s, let quoted, let at):
            return .scalar(References.present(in: s) ? transform(s, at) : s, quoted: quoted, at: at)
        case .sequence(let items, let at):
            return .sequence(items.map { $0.mapScalars(except: except, keys: keys, transform) }, at: at)
        case .mapping(let entries, let at):
            return .mapping(
                entries.map {
                    let key = keys && References.present(in: $0.key.value) ? Located(transform($0.key.value, $0.key.location), at: $0.key.location) : $0.key
                    return YAMLEntry(key: key, value: except.contains($0.key.value) ? $0.value : $0.value.mapScalars(except: except, keys: keys, transform))
                }, at: at)
        }
    }

    /// A mapping with `key` set to `value` (replacing or appending).
    func setting(_ key: String, to value: YAMLNode) -> YAMLNode {
        guard case .mapping(var entries, let at) = self else { return self }
        if let index = entries.firstIndex(where: { $0.key.value == key }) {
            entries[index].value = value
        } else {
            entries.append(YAMLEntry(key: Located(key, at: value.location), value: value))
        }
        return .mapping(entries, at: at)
    }

    /// A mapping without `keys`.
    func removing(_ keys: Set<String>) -> YAMLNode {
        guard case .mapping(let entries, let at) = self else { return self }
        return .mapping(entries.filter { !keys.contains($0.key.value) }, at: at)
    }
}
