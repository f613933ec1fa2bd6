import Foundation
import Testing

@testable import Scenarios

/// `include:` merges shared parts from other files, relative to the including file.
@Suite struct IncludeTests {
    private func withFiles(_ files: [String: String], _ body: (URL) throws -> Void) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-include-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("common"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        for (name, text) in files { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        try body(dir)
    }

    @Test func templatesAndRolesComeFromIncludes() throws {
        try withFiles([
            "common/shared.yaml":
                "roles:\n  h1: {kind: host}\ntemplates:\n  hello:\n    params: [who]\n    steps:\n      - id: say\n        run: echo ${who}\n",
            "main.yaml": "name: m\ntitle: M\ninclude: [common/shared.yaml]\nsteps:\n  - id: greet\n    on: h1\n    use: hello\n    with: {who: world}\n",
        ]) { dir in
            let result = ScenarioFrontEnd().load(path: dir.appendingPathComponent("main.yaml").path)
            #expect(result.diagnostics.isEmpty, "\(result.diagnostics.map(\.fullMessage))")
            let (graph, _) = GraphBuilder(scenario: try #require(result.scenario), lab: try #require(LabLoader().loadEmbedded().lab)).build()
            #expect(graph.step("greet.say")?.command == "echo world")
            #expect(graph.step("greet.say")?.on == "h1")
        }
    }

    @Test func cyclesMissingFilesAndRedefinitions() throws {
        try withFiles([
            "a.yaml": "include: [b.yaml]\nroles:\n  h1: {kind: host}\n",
            "b.yaml": "include: [a.yaml]\nsteps: []\n",
            "main.yaml": "name: m\ntitle: M\ninclude: [a.yaml, missing.yaml]\nroles:\n  h1: {kind: host}\nsteps:\n  - id: s\n    on: h1\n    run: \"true\"\n",
        ]) { dir in
            let messages = ScenarioFrontEnd().load(path: dir.appendingPathComponent("main.yaml").path).diagnostics.map(\.fullMessage)
            #expect(messages.contains { $0.contains("include 'a.yaml' is already included (include cycle)") })
            #expect(messages.contains { $0.contains("included file 'missing.yaml' does not exist") })
            #expect(messages.contains { $0.contains("role 'h1' is already defined at") })
            #expect(messages.contains { $0.contains("move 'steps' into a template") })
        }
    }
}
