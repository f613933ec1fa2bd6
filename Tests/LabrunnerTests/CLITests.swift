import Foundation
import Testing

/// The `labrunner` binary as users run it: exit codes, output formats, the benchmark line.
@Suite struct CLITests {
    private func labrunner(_ arguments: [String]) throws -> CLI.Output { CLI.run(arguments) }

    @Test func validateShippedScenariosExitsZero() throws {
        let result = try labrunner(["validate", "scenarios/", "scenarios/labs/"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty)
    }

    @Test func validateBadFileExitsOneWithTextAndJSON() throws {
        let text = try labrunner(["validate", "Tests/ScenariosTests/Golden/unknown-key.yaml"])
        #expect(text.status == 1)
        #expect(text.stderr.hasPrefix("Tests/ScenariosTests/Golden/unknown-key.yaml:10:5: error: unknown key 'aftr' in step 'two'; did you mean 'after'?"))
        let json = try labrunner(["validate", "--format", "json", "Tests/ScenariosTests/Golden/resources.yaml"])
        #expect(json.status == 1)
        let items = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
        #expect(items.count == 12)
        for item in items {
            #expect(Set(item.keys).isSuperset(of: ["file", "line", "column", "severity", "message"]))
        }
        #expect(items.contains { $0["severity"] as? String == "warning" })
    }

    @Test func planFormatsAndExitCodes() throws {
        let json = try labrunner(["plan", "scenarios/pvp.yaml", "--lab", "scenarios/labs/guide-lab.yaml", "--format", "json", "--set", "frame_size=128"])
        #expect(json.status == 0, "\(json.stderr)")
        let plan = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect((plan["params"] as? [String: String])?["frame_size"] == "128")
        let steps = try #require(plan["steps"] as? [[String: Any]])
        #expect(
            steps.first { $0["id"] as? String == "traffic" }?["command"] as? String
                == "labrunner traffic run --port p0 --rx-port p1 --dst-mac 52:54:00:02:d9:01 --proto udp --frame-size 128 --flows 1 --rate 14.88Mpps --duration 10s"
        )
        let dot = try labrunner(["plan", "scenarios/pdump.yaml", "--format", "dot"])
        #expect(dot.stdout.hasPrefix("digraph"))
        let invalid = try labrunner(["plan", "Tests/ScenariosTests/Golden/graph.yaml"])
        #expect(invalid.status == 2)
        #expect(invalid.stderr.contains("dependency cycle: a → b → c → a"))
        let badOverride = try labrunner(["plan", "scenarios/pvp.yaml", "--set", "launch=docker"])
        #expect(badOverride.status == 2)
        #expect(badOverride.stderr.contains("--set:1:1: error: --set: param 'launch' must be one of qemu, libvirt, not 'docker'"))
    }

    @Test func schemaIsJSONAndMatchesTheCommittedFile() throws {
        let result = try labrunner(["schema"])
        #expect(result.status == 0)
        _ = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
        let committed = try String(contentsOf: CLI.root.appendingPathComponent("schema/scenario.schema.json"), encoding: .utf8)
        #expect(result.stdout == committed)
    }

    @Test func compileBenchmarkPrintsItsLine() throws {
        let result = try labrunner(["bench", "compile", "--steps", "400"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.range(of: #"^compile: 400 steps in \d+\.\d{3} s, peak RSS \d+ MB\n$"#, options: .regularExpression) != nil, "\(result.stdout)")
    }

    @Test func unreadableFileIsADiagnosticNotACrash() throws {
        let result = try labrunner(["validate", "no/such/file.yaml", "scenarios"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("no/such/file.yaml:1:1: error: cannot read 'no/such/file.yaml': no such file"))
    }
}
