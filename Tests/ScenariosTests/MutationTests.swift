import Foundation
import Testing

@testable import Scenarios

/// Breaking any shipped scenario in a typical way is caught at the line that was broken.
@Suite struct MutationTests {
    struct Mutation: CustomStringConvertible, Sendable {
        let name: String
        /// Finds the line to break.
        let pattern: String
        /// Rewrites it.
        let rewrite: @Sendable (String) -> String
        /// A fragment the diagnostic must contain.
        let message: String
        var description: String { name }
    }

    static let mutations: [Mutation] = [
        Mutation(
            name: "misspelled key", pattern: #"^\s+(- )?on: "#, rewrite: { $0.replacingOccurrences(of: "on: ", with: "onn: ") },
            message: "did you mean 'on'?"),
        Mutation(
            name: "unknown step in after", pattern: #"^\s+after: \[[a-z]"#,
            rewrite: { $0.replacingOccurrences(of: "after: [", with: "after: [no-such-step, ") },
            message: "waits for unknown step 'no-such-step'"),
        Mutation(
            name: "wrong type", pattern: #"^\s+(lcores|vcpus): "#,
            rewrite: { line in
                let key = line.contains("lcores") ? "lcores" : "vcpus"
                return line.replacingOccurrences(of: #"\#(key): .*"#, with: "\(key): lots", options: .regularExpression)
            }, message: "'lots' is not"),
        Mutation(
            name: "bad duration", pattern: #"^\s+timeout: "#,
            rewrite: { $0.replacingOccurrences(of: #"timeout: .*"#, with: "timeout: 10 parsecs", options: .regularExpression) },
            message: "is not a duration"),
        Mutation(
            name: "unknown role", pattern: #"^\s+on: [a-z_0-9]+$"#,
            rewrite: { $0.replacingOccurrences(of: #"on: .*"#, with: "on: nobody", options: .regularExpression) },
            message: "'nobody'"),
    ]

    static let cases: [(String, Mutation)] = TestPaths.scenarioFiles.flatMap { file in mutations.map { (file.lastPathComponent, $0) } }

    @Test(arguments: cases) func caughtAtTheRightLine(file: String, mutation: Mutation) throws {
        let text = try String(contentsOf: TestPaths.scenarios.appendingPathComponent(file), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        guard let index = lines.firstIndex(where: { $0.range(of: mutation.pattern, options: .regularExpression) != nil }) else {
            return  // this scenario has no such line
        }
        lines[index] = mutation.rewrite(lines[index])
        let path = TestPaths.scenarios.appendingPathComponent("mutated-\(file)").path
        let result = ScenarioFrontEnd().load(path: path, bytes: Array(lines.joined(separator: "\n").utf8))
        let hit = result.diagnostics.first { $0.location.line == index + 1 && $0.severity == .error && $0.fullMessage.contains(mutation.message) }
        #expect(hit != nil, "line \(index + 1): \(lines[index]) → \(result.diagnostics.map { "\($0.location.line): \($0.fullMessage)" })")
    }

    @Test(arguments: TestPaths.scenarioFiles.map(\.lastPathComponent)) func cycleIsPrinted(file: String) throws {
        // Two consecutive top-level steps A, B where B waits for A implicitly: make A wait for B.
        let text = try String(contentsOf: TestPaths.scenarios.appendingPathComponent(file), encoding: .utf8)
        var lines = text.components(separatedBy: "\n")
        let stepsStart = try #require(lines.firstIndex(of: "steps:"))
        let end = lines.firstIndex(of: "always:") ?? lines.count
        let starts = (stepsStart..<end).filter { lines[$0].hasPrefix("  - id: ") } + [end]
        func implicit(_ i: Int) -> Bool { !(starts[i] + 1..<starts[i + 1]).contains { lines[$0].hasPrefix("    after:") } }
        func ids(_ i: Int) -> [String] {
            (starts[i]..<starts[i + 1]).compactMap { n in
                lines[n].range(of: #"id: [A-Za-z0-9_.-]+"#, options: .regularExpression).map { String(lines[n][$0].dropFirst(4)) }
            }
        }
        let pair = try #require((0..<starts.count - 2).first { implicit($0) && implicit($0 + 1) }, "no two consecutive implicit steps")
        let b = String(lines[starts[pair + 1]].dropFirst("  - id: ".count))
        let idsA = ids(pair), idsB = ids(pair + 1)
        lines.insert("    after: [\(b)]", at: starts[pair] + 1)
        let result = ScenarioFrontEnd().load(
            path: TestPaths.scenarios.appendingPathComponent("cycle-\(file)").path, bytes: Array(lines.joined(separator: "\n").utf8))
        let cycle = try #require(result.diagnostics.first { $0.message.hasPrefix("dependency cycle: ") }, "\(result.diagnostics.map(\.fullMessage))")
        #expect(idsA.contains { cycle.message.contains($0) } && idsB.contains { cycle.message.contains($0) }, "\(cycle.message)")
        #expect(cycle.location.line == starts[pair] + 2, "reported at \(cycle.location), the edit is at line \(starts[pair] + 2)")
    }
}
