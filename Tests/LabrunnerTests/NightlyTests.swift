import Foundation
import Testing

@testable import LabrunnerKit

/// A nightly: lab defaults make the how-tos run as the lab can carry them, the summary has a row per
/// scenario, and `--rerun-failed` runs again exactly what failed, with the params it ran with.
@Suite(.serialized) struct NightlyTests {
    private func files(_ lab: LabFixture) throws -> (pass: String, fail: String) {
        let pass = try lab.scenario(
            """
            name: fine
            title: Passes
            params:
              greeting: {type: string, default: hello}
            roles:
              h1: {kind: host}
            steps:
              - {id: say, on: h1, run: "echo ${greeting}", expect: {contains: "${greeting}"}}
            """, name: "fine.yaml")
        let fail = try lab.scenario(
            """
            name: flaky
            title: Fails unless told to pass
            params:
              verdict: {type: enum, values: ["true", "false"], default: "false"}
            roles:
              h1: {kind: host}
            steps:
              - {id: check, on: h1, run: "${verdict}"}
            """, name: "flaky.yaml")
        return (pass, fail)
    }

    @Test func summaryRowsAndRerunOfWhatFailed() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let (pass, fail) = try files(lab)
        let first = CLI.run(["run", pass, fail, "--lab", lab.lab.path, "--report", lab.runs.path])
        #expect(first.status == 1, "\(first.stdout)")
        #expect(first.stdout.range(of: #"fine\s+passed\s+1\s+0\s+0\s+0"#, options: .regularExpression) != nil, "\(first.stdout)")
        #expect(first.stdout.range(of: #"flaky\s+failed\s+0\s+1\s+0\s+0"#, options: .regularExpression) != nil, "\(first.stdout)")
        let names = try FileManager.default.contentsOfDirectory(atPath: lab.runs.path)
        let json = try #require(names.first { $0.hasPrefix("nightly-") && $0.hasSuffix(".json") })
        let rows = try JSONSerialization.jsonObject(with: Data(contentsOf: lab.runs.appendingPathComponent(json))) as? [[String: Any]]
        #expect(rows?.map { $0["verdict"] as? String } == ["passed", "failed"])

        // Only the failed scenario runs again; then with the failure fixed nothing is left.
        let again = CLI.run(["run", "--rerun-failed", lab.runs.path, "--lab", lab.lab.path, "--report", lab.runs.path])
        #expect(again.status == 1, "\(again.stdout)")
        #expect(again.stdout.contains("run flaky on lab"), "\(again.stdout)")
        #expect(!again.stdout.contains("run fine on lab"), "\(again.stdout)")
        let fixed = CLI.run(["run", fail, "--set", "verdict=true", "--lab", lab.lab.path, "--report", lab.runs.path])
        #expect(fixed.status == 0, "\(fixed.stdout)")
        let none = CLI.run(["run", "--rerun-failed", lab.runs.path, "--lab", lab.lab.path, "--report", lab.runs.path])
        #expect(none.status == 0, "\(none.stdout)")
        #expect(none.stdout.contains("nothing failed in"), "\(none.stdout)")
        let missing = CLI.run(["run", "--rerun-failed", lab.directory.appendingPathComponent("nowhere").path, "--lab", lab.lab.path])
        #expect(missing.status != 0)
        #expect(missing.stderr.contains("no such directory"), "\(missing.stderr)")
    }

    @Test func labDefaultsApplyAndPlanSaysWhere() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let (pass, fail) = try files(lab)
        try """
        name: test-lab
        kind: virtual
        capabilities: [tcg, tap]
        virtual: {namespace_prefix: \(lab.prefix), subnet: 198.51.100.0/24, workdir: \(lab.directory.path)/work}
        params: {greeting: bonjour}
        scenarios:
          flaky: {verdict: "true"}
        """.write(to: lab.lab, atomically: true, encoding: .utf8)
        let plan = CLI.run(["plan", pass, "--lab", lab.lab.path])
        #expect(plan.stdout.contains("params: greeting=bonjour (lab test-lab)"), "\(plan.stdout)")
        let set = CLI.run(["plan", pass, "--lab", lab.lab.path, "--set", "greeting=hi", "--format", "json"])
        #expect(set.stdout.contains(#""greeting": "--set""#), "\(set.stdout)")
        // The lab's per-scenario default makes the failing scenario pass on this lab.
        let run = CLI.run(["run", fail, "--lab", lab.lab.path, "--report", lab.runs.path])
        #expect(run.status == 0, "\(run.stdout)")
        // A lab default a scenario cannot take is an error at the lab file.
        try """
        name: test-lab
        kind: virtual
        capabilities: [tcg, tap]
        virtual: {namespace_prefix: \(lab.prefix), subnet: 198.51.100.0/24, workdir: \(lab.directory.path)/work}
        scenarios:
          flaky: {verdict: maybe, verdicts: "true"}
        """.write(to: lab.lab, atomically: true, encoding: .utf8)
        let bad = CLI.run(["plan", fail, "--lab", lab.lab.path])
        #expect(bad.status == 2)
        let text = bad.stdout + bad.stderr
        #expect(text.contains("lab 'test-lab' default of"), "\(text)")
        #expect(text.contains("lab 'test-lab' sets param 'verdicts' of scenario 'flaky', which has no such param"), "\(text)")
    }

    @Test func rerunFailedKeepsTheRoundsARunHad() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-rerun-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let run = #"{"file": "mig.yaml", "verdict": "failed", "params": {"max_outage": "1s"}, "rounds": [{"round": 1}, {"round": 2}, {"round": 3}]}"#
        try run.write(to: directory.appendingPathComponent("run.json"), atomically: true, encoding: .utf8)
        #expect(try FailedRuns.requests(in: directory) == [ScenarioRequest(file: "mig.yaml", overrides: ["max_outage=1s"], rounds: 3)])
    }
}
