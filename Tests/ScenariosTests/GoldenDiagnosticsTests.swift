import Foundation
import Testing

@testable import Scenarios

/// Each file in Golden/ is a bad scenario; its `.expected` file is the exact text `labrunner validate`
/// prints (file:line:col, message, suggestion, quoted line, caret). `UPDATE_GOLDEN=1` rewrites them.
@Suite struct GoldenDiagnosticsTests {
    static let cases: [String] = ((try? FileManager.default.contentsOfDirectory(atPath: TestPaths.golden.path)) ?? [])
        .filter { $0.hasSuffix(".yaml") }.map { String($0.dropLast(5)) }.sorted()

    @Test func everyDiagnosticKindHasAGoldenFile() {
        let required = [
            "unknown-key", "missing-key", "wrong-types", "references", "graph", "resources", "sessions-actions",
            "templates", "empty", "tabs", "duplicate-keys", "deep", "aliases", "syntax", "binary",
        ]
        #expect(Set(required).isSubset(of: Set(Self.cases)))
    }

    @Test(arguments: cases) func diagnostics(name: String) throws {
        let input = TestPaths.golden.appendingPathComponent("\(name).yaml")
        let bytes = [UInt8](try Data(contentsOf: input))
        let result = ScenarioFrontEnd().load(path: "Golden/\(name).yaml", bytes: bytes)
        let rendered = DiagnosticRenderer(sources: result.sources).text(result.diagnostics) + "\n"
        let expectedURL = TestPaths.golden.appendingPathComponent("\(name).expected")
        if ProcessInfo.processInfo.environment["UPDATE_GOLDEN"] != nil {
            try rendered.write(to: expectedURL, atomically: true, encoding: .utf8)
        }
        let expected = try String(contentsOf: expectedURL, encoding: .utf8)
        #expect(rendered == expected)
        #expect(result.hasErrors, "a golden case must be invalid")
    }
}
