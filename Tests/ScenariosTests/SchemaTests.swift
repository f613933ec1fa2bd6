import Foundation
import Testing

@testable import Scenarios

/// The JSON Schema (what editors use) accepts every shipped scenario and rejects a misspelled key.
/// Validation is done by Python's jsonschema (Draft 7), a validator labrunner did not write.
@Suite struct SchemaTests {
    @Test func committedSchemasAreCurrent() throws {
        let scenario = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("schema/scenario.schema.json"), encoding: .utf8)
        let include = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("schema/include.schema.json"), encoding: .utf8)
        let lab = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("schema/lab.schema.json"), encoding: .utf8)
        #expect(scenario == SchemaGenerator().scenario.rendered(pretty: true) + "\n", "run: labrunner schema > schema/scenario.schema.json")
        #expect(include == SchemaGenerator().include.rendered(pretty: true) + "\n", "run: labrunner schema --kind include > schema/include.schema.json")
        #expect(lab == SchemaGenerator().lab.rendered(pretty: true) + "\n", "run: labrunner schema --kind lab > schema/lab.schema.json")
    }

    @Test func shippedFilesValidateAndATypoIsRejected() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-schema-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var documents: [(String, String, String)] = []  // (name, schema, json)
        let includes =
            ((try? FileManager.default.contentsOfDirectory(at: TestPaths.scenarios.appendingPathComponent("common"), includingPropertiesForKeys: nil)) ?? [])
        for file in TestPaths.scenarioFiles { documents.append((file.lastPathComponent, "scenario", try json(file))) }
        for file in includes { documents.append((file.lastPathComponent, "include", try json(file))) }
        for lab in TestPaths.labs { documents.append((lab.lastPathComponent, "lab", try json(lab))) }
        let pvp = try String(contentsOf: TestPaths.scenarios.appendingPathComponent("pvp.yaml"), encoding: .utf8)
        let typo = pvp.replacingOccurrences(of: "\n    after: [vm-vcpus", with: "\n    aftr: [vm-vcpus")
        #expect(typo != pvp)
        documents.append(("typo", "scenario", try json(bytes: Array(typo.utf8))))

        try SchemaGenerator().scenario.rendered(pretty: true).write(to: dir.appendingPathComponent("scenario.json"), atomically: true, encoding: .utf8)
        try SchemaGenerator().lab.rendered(pretty: true).write(to: dir.appendingPathComponent("lab.json"), atomically: true, encoding: .utf8)
        try SchemaGenerator().include.rendered(pretty: true).write(to: dir.appendingPathComponent("include.json"), atomically: true, encoding: .utf8)
        for (index, doc) in documents.enumerated() {
            try doc.2.write(to: dir.appendingPathComponent("doc\(index).json"), atomically: true, encoding: .utf8)
        }
        let script = """
            import json, sys, jsonschema
            d = sys.argv[1]
            schemas = {k: json.load(open(f"{d}/{k}.json")) for k in ("scenario", "include", "lab")}
            for k, s in schemas.items(): jsonschema.Draft7Validator.check_schema(s)
            for i, (name, kind) in enumerate(json.loads(sys.argv[2])):
                errors = list(jsonschema.Draft7Validator(schemas[kind]).iter_errors(json.load(open(f"{d}/doc{i}.json"))))
                print(name, "INVALID" if errors else "VALID", " | ".join(e.message for e in errors)[:2000])
            """
        let names = JSONValue.array(documents.map { .array([.string($0.0), .string($0.1)]) }).rendered(pretty: false)
        let output = try run("/usr/bin/env", ["python3", "-c", script, dir.path, names])
        let verdicts = Dictionary(
            uniqueKeysWithValues: output.split(separator: "\n").map { line -> (String, String) in
                let parts = line.split(separator: " ", maxSplits: 2)
                return (String(parts[0]), parts.count > 1 ? String(parts[1]) + (parts.count > 2 ? " " + parts[2] : "") : "")
            })
        for doc in documents where doc.0 != "typo" {
            #expect(verdicts[doc.0] == "VALID", "\(doc.0): \(verdicts[doc.0] ?? "no verdict")")
        }
        #expect(verdicts["typo"]?.hasPrefix("INVALID") == true, "\(verdicts["typo"] ?? "")")
        #expect(verdicts["typo"]?.contains("aftr") == true)
    }

    private func json(_ url: URL) throws -> String { try json(bytes: [UInt8](Data(contentsOf: url))) }

    private func json(bytes: [UInt8]) throws -> String {
        let loader = YAMLLoader()
        let (source, _) = loader.source(path: "doc", bytes: bytes)
        let (node, diagnostics) = loader.load(try #require(source))
        #expect(diagnostics.isEmpty)
        return try #require(node).json.rendered(pretty: false)
    }

    private func run(_ tool: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "python3 with jsonschema is required (pip install jsonschema)")
        return String(decoding: data, as: UTF8.self)
    }
}
