/// Expands `use: template` steps into blocks of the template's steps, with ids prefixed by the
/// using step's id and the template's params replaced by the `with:` values (in keys too, so a
/// template used more than once can name its captures after a param).
struct TemplateExpander {
    let templates: [String: YAMLEntry]
    var diagnostics: [Diagnostic] = []

    init(templates: [YAMLEntry]) {
        var map: [String: YAMLEntry] = [:]
        for t in templates where map[t.key.value] == nil { map[t.key.value] = t }
        self.templates = map
    }

    mutating func expand(_ steps: [YAMLNode], stack: [String] = []) -> [YAMLNode] {
        steps.map { expand(step: $0, stack: stack) }
    }

    private mutating func expand(step: YAMLNode, stack: [String]) -> YAMLNode {
        var node = step
        for key in ["block", "always"] {
            if let items = node[key]?.items, let at = node[key]?.location {
                node = node.setting(key, to: .sequence(expand(items, stack: stack), at: at))
            }
        }
        guard let use = node.text("use") else { return node }
        guard let template = templates[use.value] else {
            diagnostics.append(
                Diagnostic(
                    .error, "unknown template '\(use.value)'", at: use.location,
                    suggestion: EditDistance.suggestion(for: use.value, among: templates.keys), length: use.value.count))
            return node.removing(["use", "with"]).setting("block", to: .sequence([], at: use.location))
        }
        if stack.contains(use.value) {
            diagnostics.append(
                Diagnostic(
                    .error, "template '\(use.value)' uses itself: \((stack + [use.value]).joined(separator: " → "))", at: use.location, length: use.value.count)
            )
            return node.removing(["use", "with"]).setting("block", to: .sequence([], at: use.location))
        }
        let declared = template.value.texts("params").map(\.value)
        var args: [String: String] = [:]
        for entry in node.dictionary("with") {
            if !declared.contains(entry.key.value) {
                diagnostics.append(
                    Diagnostic(
                        .error, "template '\(use.value)' has no param '\(entry.key.value)'", at: entry.key.location,
                        suggestion: EditDistance.suggestion(for: entry.key.value, among: declared), length: entry.key.value.count))
            }
            args[entry.key.value] = entry.value.scalar ?? ""
        }
        for name in declared where args[name] == nil {
            diagnostics.append(
                Diagnostic(.error, "use of template '\(use.value)' is missing param '\(name)' in 'with:'", at: use.location, length: use.value.count))
            args[name] = ""  // reported here; not again as an unknown reference in the template's body
        }
        let prefix = node.text("id")?.value ?? use.value
        let bodies = template.value["steps"]?.items ?? []
        let localIDs = Set(bodies.flatMap(Self.ids))
        let instantiated = bodies.map { body in
            Self.prefixIDs(body.mapScalars(keys: true) { text, _ in References.substitute(text) { args[$0] } }, prefix: prefix, local: localIDs)
        }
        let expanded = expand(instantiated, stack: stack + [use.value])
        return node.removing(["use", "with"]).setting("block", to: .sequence(expanded, at: use.location))
    }

    private static func ids(_ step: YAMLNode) -> [String] {
        var out = step.text("id").map { [$0.value] } ?? []
        for key in ["block", "always"] { out += (step[key]?.items ?? []).flatMap(ids) }
        return out
    }

    private static func prefixIDs(_ step: YAMLNode, prefix: String, local: Set<String>) -> YAMLNode {
        var node = step
        if let id = node.text("id") {
            node = node.setting("id", to: .scalar("\(prefix).\(id.value)", quoted: false, at: id.location))
        }
        if let after = node["after"] {
            let rewrite: (YAMLNode) -> YAMLNode = { item in
                guard case .scalar(let s, let q, let at) = item, local.contains(s) else { return item }
                return .scalar("\(prefix).\(s)", quoted: q, at: at)
            }
            if let items = after.items {
                node = node.setting("after", to: .sequence(items.map(rewrite), at: after.location))
            } else {
                node = node.setting("after", to: rewrite(after))
            }
        }
        for key in ["block", "always"] {
            if let items = node[key]?.items, let at = node[key]?.location {
                node = node.setting(key, to: .sequence(items.map { prefixIDs($0, prefix: prefix, local: local) }, at: at))
            }
        }
        return node
    }
}
