/// Checks a YAML tree against the grammar's shapes and reports every structural problem in one pass:
/// unknown and missing keys (with suggestions), wrong node kinds, bad scalars, conflicting actions.
public struct ShapeChecker: Sendable {
    private let definitions: [String: ObjectShape]

    /// Creates a checker that resolves `.ref` names in `definitions`.
    public init(definitions: [String: ObjectShape] = ScenarioGrammar.definitions) {
        self.definitions = definitions
    }

    /// All problems of `node` against `shape`.
    /// `name` is the user-chosen name of the node (a role's), for messages.
    public func check(_ node: YAMLNode, against shape: Shape, name: String? = nil) -> [Diagnostic] {
        var out: [Diagnostic] = []
        check(node, shape, context: name.map { Self.namePrefix + $0 }, into: &out)
        return out
    }

    /// Marks a context that is a user-chosen name (a role, a param) rather than a key.
    private static let namePrefix = "\u{1}"

    private static func display(_ context: String?) -> String? {
        context.map { $0.hasPrefix(namePrefix) ? String($0.dropFirst()) : $0 }
    }

    private func check(_ node: YAMLNode, _ shape: Shape, context: String?, into out: inout [Diagnostic]) {
        let what = Self.display(context).map { "'\($0)'" } ?? "value"
        switch shape {
        case .anything:
            return
        case .ref(let name):
            if let object = definitions[name] { check(node, .object(object), context: context, into: &out) }
        case .scalar(let format, let choices):
            guard case .scalar(let text, let quoted, let at) = node else {
                out.append(Diagnostic(.error, "\(what) must be \(shape.expected), not \(node.kindName)", at: node.location))
                return
            }
            if text.isEmpty && !quoted {
                out.append(Diagnostic(.error, "\(what) has no value; expected \(shape.expected)", at: at))
                return
            }
            // A value with references is checked once they are filled in; a condition is made of them and
            // never filled in (it is evaluated), so it is checked as written.
            if References.present(in: text) && format != .condition { return }
            if let choices {
                if !choices.contains(text) {
                    out.append(
                        Diagnostic(
                            .error, "\(what) must be \(shape.expected), not '\(text)'", at: at,
                            suggestion: EditDistance.suggestion(for: text, among: choices), length: node.width))
                }
                return
            }
            if let problem = format.problem(with: text) {
                out.append(Diagnostic(.error, Self.display(context).map { "\($0): \(problem)" } ?? problem, at: at, length: node.width))
            }
        case .list(let item):
            guard let items = node.items else {
                out.append(Diagnostic(.error, "\(what) must be \(shape.expected), not \(node.kindName)", at: node.location))
                return
            }
            for element in items { check(element, item, context: context, into: &out) }
        case .oneOrMany(let item):
            if let items = node.items {
                for element in items { check(element, item, context: context, into: &out) }
            } else {
                check(node, item, context: context, into: &out)
            }
        case .dictionary(let value):
            guard let entries = node.entries else {
                out.append(Diagnostic(.error, "\(what) must be \(shape.expected), not \(node.kindName)", at: node.location))
                return
            }
            for entry in entries {
                // A template's key may be made of its params (`${name}_before`); the value it gets is checked where it is used.
                if !ScalarFormat.isIdentifier(References.substitute(entry.key.value) { _ in "p" }) {
                    out.append(
                        Diagnostic(
                            .error, "'\(entry.key.value)' is not a valid name (letters, digits, '_', '-', '.')", at: entry.key.location,
                            length: entry.key.value.count))
                }
                check(entry.value, value, context: Self.namePrefix + entry.key.value, into: &out)
            }
        case .object(let object):
            checkObject(node, object, context: context, into: &out)
        case .tagged(let key, let variants):
            guard let entries = node.entries else {
                out.append(Diagnostic(.error, "\(what) must be \(shape.expected), not \(node.kindName)", at: node.location))
                return
            }
            let kinds = variants.map(\.0)
            guard let tag = entries.first(where: { $0.key.value == key }) else {
                out.append(Diagnostic(.error, "\(what) is missing '\(key)' (one of \(kinds.joined(separator: ", ")))", at: node.location))
                return
            }
            guard let word = tag.value.scalar, let variant = variants.first(where: { $0.0 == word })?.1 else {
                out.append(
                    Diagnostic(
                        .error, "\(what): '\(key)' must be one of \(kinds.joined(separator: ", ")), not '\(tag.value.scalar ?? tag.value.kindName)'",
                        at: tag.value.location, suggestion: tag.value.scalar.flatMap { EditDistance.suggestion(for: $0, among: kinds) }, length: tag.value.width
                    ))
                return
            }
            checkObject(node, variant, context: context, siblings: variants.map(\.1), into: &out)
        case .scalarOrObject(let scalar, let object):
            if node.entries != nil {
                checkObject(node, object, context: context, into: &out)
            } else if node.scalar != nil {
                check(node, scalar, context: context, into: &out)
            } else {
                out.append(Diagnostic(.error, "\(what) must be \(shape.expected), not \(node.kindName)", at: node.location))
            }
        }
    }

    private func checkObject(
        _ node: YAMLNode, _ object: ObjectShape, context: String?, siblings: [ObjectShape] = [],
        into out: inout [Diagnostic]
    ) {
        let name = node["id"]?.scalar ?? context.flatMap { $0.hasPrefix(Self.namePrefix) ? String($0.dropFirst()) : nil }
        let label = name.map { "\(object.name) '\($0)'" } ?? object.name
        guard let entries = node.entries else {
            out.append(
                Diagnostic(
                    .error, "\(Self.display(context).map { "'\($0)'" } ?? "value") must be a mapping (\(object.name)), not \(node.kindName)", at: node.location)
            )
            return
        }
        let known = object.fields.map(\.name)
        var present: [Located<String>] = []
        for entry in entries {
            guard let field = object.field(entry.key.value) else {
                let key = entry.key.value
                if let owner = siblings.first(where: { $0.field(key) != nil }) {
                    out.append(
                        Diagnostic(
                            .error, "'\(key)' is not valid in a \(object.name) (it belongs to a \(owner.name))", at: entry.key.location, length: key.count))
                } else {
                    out.append(
                        Diagnostic(
                            .error, "unknown key '\(key)' in \(label)", at: entry.key.location,
                            suggestion: EditDistance.suggestion(for: key, among: known), length: key.count))
                }
                continue
            }
            present.append(entry.key)
            check(entry.value, field.shape, context: field.name, into: &out)
        }
        let presentNames = Set(present.map(\.value))
        for field in object.fields where field.required && !presentNames.contains(field.name) {
            // A misspelled key already got its own diagnostic with a suggestion; don't repeat it as missing.
            if entries.contains(where: { object.field($0.key.value) == nil && EditDistance.suggestion(for: $0.key.value, among: known) == field.name }) {
                continue
            }
            out.append(Diagnostic(.error, "\(label) is missing required key '\(field.name)'", at: node.location))
        }
        if !object.exactlyOne.isEmpty {
            let chosen = present.filter { object.exactlyOne.contains($0.value) && $0.value != "always" }
            if chosen.isEmpty {
                let misspelled = entries.contains {
                    object.field($0.key.value) == nil && EditDistance.suggestion(for: $0.key.value, among: object.exactlyOne) != nil
                }
                if !misspelled {
                    out.append(Diagnostic(.error, "\(label) needs one of: \(object.exactlyOne.joined(separator: ", "))", at: node.location))
                }
            } else if chosen.count > 1 {
                out.append(
                    Diagnostic(
                        .error, "\(label) has both '\(chosen[0].value)' and '\(chosen[1].value)'; use one per \(object.name)",
                        at: chosen[1].location, length: chosen[1].value.count))
            }
        }
    }
}
