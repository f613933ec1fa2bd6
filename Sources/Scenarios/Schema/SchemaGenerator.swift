/// Generates a JSON Schema (draft-07, which yaml-language-server reads) from the grammar's shapes.
public struct SchemaGenerator: Sendable {
    /// Creates a generator.
    public init() {}

    /// The schema of scenario files.
    public var scenario: JSONValue {
        document(
            ScenarioGrammar.scenario, id: "https://labrunner.dev/schema/scenario.schema.json",
            title: "labrunner scenario", definitions: ScenarioGrammar.definitions)
    }

    /// The schema of files that only carry shared parts (`include:` targets).
    public var include: JSONValue {
        document(
            ScenarioGrammar.fragment, id: "https://labrunner.dev/schema/include.schema.json",
            title: "labrunner include file", definitions: ScenarioGrammar.definitions)
    }

    /// The schema of lab files.
    public var lab: JSONValue {
        document(LabGrammar.lab, id: "https://labrunner.dev/schema/lab.schema.json", title: "labrunner lab", definitions: [:])
    }

    private func document(_ root: ObjectShape, id: String, title: String, definitions: [String: ObjectShape]) -> JSONValue {
        guard case .object(var fields) = object(root) else { return .null }
        fields.insert(("$schema", .string("http://json-schema.org/draft-07/schema#")), at: 0)
        fields.insert(("$id", .string(id)), at: 1)
        fields.insert(("title", .string(title)), at: 2)
        if !definitions.isEmpty {
            fields.append(("definitions", .object(definitions.keys.sorted().map { ($0, object(definitions[$0]!)) })))
        }
        return .object(fields)
    }

    private func object(_ shape: ObjectShape, tag: (String, String)? = nil) -> JSONValue {
        var properties: [(String, JSONValue)] = []
        for field in shape.fields {
            var schema = self.schema(field.shape)
            if let tag, field.name == tag.0 { schema = .object([("const", .string(tag.1))]) }
            if case .object(var f) = schema {
                f.append(("description", .string(field.doc)))
                schema = .object(f)
            }
            properties.append((field.name, schema))
        }
        var fields: [(String, JSONValue)] = [
            ("type", .string("object")),
            ("properties", .object(properties)),
            ("additionalProperties", .bool(false)),
        ]
        let required = shape.fields.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { fields.append(("required", .array(required))) }
        if !shape.exactlyOne.isEmpty {
            fields.append(("oneOf", .array(shape.exactlyOne.map { .object([("required", .array([.string($0)]))]) })))
        }
        return .object(fields)
    }

    private func schema(_ shape: Shape) -> JSONValue {
        switch shape {
        case .anything:
            return .object([])
        case .ref(let name):
            return .object([("$ref", .string("#/definitions/\(name)"))])
        case .scalar(let format, let choices):
            let base: JSONValue = choices.map { .object([("enum", .array($0.map(JSONValue.string)))]) } ?? format.jsonSchema
            if format == .text && choices == nil { return base }
            // Any typed scalar may instead be a ${param} reference, resolved before checking.
            return .object([("anyOf", .array([base, .object([("type", .string("string")), ("pattern", .string("\\$\\{[^}]+\\}"))])]))])
        case .list(let item):
            return .object([("type", .string("array")), ("items", schema(item))])
        case .oneOrMany(let item):
            return .object([("anyOf", .array([schema(item), .object([("type", .string("array")), ("items", schema(item))])]))])
        case .dictionary(let value):
            return .object([
                ("type", .string("object")),
                // A template's names may be made of its params (`${name}_before`).
                ("propertyNames", .object([("pattern", .string("^([A-Za-z_]|\\$\\{[^}]+\\})([A-Za-z0-9_.-]|\\$\\{[^}]+\\})*$"))])),
                ("additionalProperties", schema(value)),
            ])
        case .object(let o):
            return object(o)
        case .tagged(let key, let variants):
            return .object([("oneOf", .array(variants.map { object($0.1, tag: (key, $0.0)) }))])
        case .scalarOrObject(let scalar, let o):
            return .object([("anyOf", .array([schema(scalar), object(o)]))])
        }
    }
}
