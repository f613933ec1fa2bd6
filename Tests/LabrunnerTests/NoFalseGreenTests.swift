import Foundation
import Testing

/// Nothing passes that was not checked: a scenario in which nothing ran is skipped (exit 4) and says
/// why; a forwarder's error answer fails its step without an `expect:`; validate says which commands
/// the lab's forwarder cannot carry out.
@Suite(.serialized) struct NoFalseGreenTests {
    /// A capture is the step's own: a round whose parse finds a field missing is judged on nothing (and
    /// fails), never on the value the previous round left under that name.
    @Test func aRoundIsNeverJudgedOnTheLastRoundsCapture() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let flag = lab.directory.appendingPathComponent("second-round").path
        let script = lab.directory.appendingPathComponent("migrate.sh").path
        try """
        if [ -e \(flag) ]; then echo '{"status": "completed"}'; else touch \(flag); echo '{"status": "completed", "downtime": 5}'; fi
        """.write(toFile: script, atomically: true, encoding: .utf8)
        let file = try lab.scenario(
            """
            name: stale
            title: The second round's migration reports no downtime
            roles:
              h1: {kind: host}
            steps:
              - id: round
                block:
                  - id: measure
                    on: h1
                    run: sh \(script)
                    capture:
                      job: {parse: migrate}
                    expect:
                      that:
                        - {value: job.downtime, le: 10ms}
            rounds:
              block: round
              swap: {}
            """)
        let result = lab.run(file, "--rounds", "2")
        #expect(result.status == 1, "\(result.stdout)\(result.stderr)")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        func status(_ id: String) -> String? { steps.first { $0["id"] as? String == id }?["status"] as? String }
        #expect(status("measure") == "passed" && status("measure.round2") == "failed", "\(steps)")
    }

    @Test func aScenarioWhoseEveryStepIsSkippedIsSkipped() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: nothing
            title: Every step needs what the lab lacks
            requires: [sriov]
            roles:
              h1: {kind: host}
            steps:
              - {id: one, on: h1, run: "true"}
              - {id: two, on: h1, run: "true"}
            """)
        let result = lab.run(file, "--junit", lab.directory.appendingPathComponent("all.xml").path)
        #expect(result.status == 4, "\(result.stdout)")
        #expect(result.stdout.contains("SKIPPED: nothing ran — lab 'test-lab' lacks sriov"), "\(result.stdout)")
        let run = try lab.runJSON()
        #expect(run["verdict"] as? String == "skipped")
        #expect(run["skip_reasons"] as? [String] == ["lab 'test-lab' lacks sriov on h1"])
        let summary = try String(contentsOf: try lab.runDirectory().appendingPathComponent("summary.md"), encoding: .utf8)
        #expect(summary.contains("**skipped**"))
        #expect(summary.contains("Nothing ran: every step was skipped. Why:\n\n- lab 'test-lab' lacks sriov on h1"))
        let junit = try String(contentsOf: lab.directory.appendingPathComponent("all.xml"), encoding: .utf8)
        #expect(junit.contains(#"<property name="verdict" value="skipped"/>"#))

        // Beside a scenario that ran, the skipped one leaves the run green (a nightly on a lab without SR-IOV).
        let ran = try lab.scenario(
            """
            name: something
            title: Runs
            roles:
              h1: {kind: host}
            steps:
              - {id: one, on: h1, run: "true"}
            """, name: "ran.yaml")
        try? FileManager.default.removeItem(at: lab.runs)
        let both = CLI.run(["run", file, ran, "--lab", lab.lab.path, "--report", lab.runs.path])
        #expect(both.status == 0, "\(both.stdout)")
    }

    private func forwarderScenario(_ steps: String) -> String {
        """
        name: answers
        title: The forwarder's error answers
        roles:
          h1: {kind: host}
          pf: {kind: forwarder, on: h1, lcores: "0,1", vdevs: ["net_null0"], args: "-i"}
        sessions:
          t1: {on: h1}
        steps:
          - {id: start, on: t1, fastpath: {start: pf}}
        \(steps)
        always:
          - {id: quit, on: pf, fastpath: quit}
        """
    }

    @Test func anErrorAnswerFailsItsStep() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            forwarderScenario(
                """
                  - {id: unknown, on: pf, fastpath: "frobnicate 1"}
                """))
        let result = lab.run(file)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("FAIL unknown"), "\(result.stdout)")
        #expect(result.stdout.contains("expected no error reply to 'frobnicate 1', actual Command not found: 'frobnicate 1'"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS quit"), "\(result.stdout)")
    }

    @Test func badArgumentsAndInvalidPortsFailTooUnlessTheStepExpectsThem() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            forwarderScenario(
                """
                  - {id: refused, on: pf, fastpath: "show port stats 7", expect: {contains: "Invalid port 7"}}
                  - {id: bad, on: pf, fastpath: "set burst x"}
                """))
        let result = lab.run(file)
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.stdout.contains("FAIL bad"), "\(result.stdout)")
        #expect(result.stdout.contains("actual Bad arguments"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS refused"), "\(result.stdout)")
    }

    @Test func validateWarnsOfCommandsTheLabsForwarderLacks() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            forwarderScenario(
                """
                  - {id: mode, on: pf, fastpath: "set bonding mode 1 2"}
                  - {id: stats, on: pf, fastpath: "show port stats all"}
                """))
        let result = CLI.run(["validate", file, "--lab", lab.lab.path])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let text = result.stdout + result.stderr
        #expect(
            text.contains(
                "warning: step 'mode' sends 'set bonding mode 1 2' to forwarder 'pf', which runs FastPath on lab 'test-lab': FastPath does not implement it"
            ), "\(text)")
        #expect(!text.contains("step 'stats'"), "\(text)")
    }

    /// Two steps the graph runs at once on one forwarder take turns at its prompt (they used to read
    /// each other's replies and wait out their timeouts).
    @Test func parallelStepsOnOneSessionTakeTurns() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            forwarderScenario(
                """
                  - {id: stats, on: pf, fastpath: "show port stats all", after: [start], timeout: 20s, expect: {contains: "NIC statistics for port 0"}}
                  - {id: info, on: pf, fastpath: "show port info all", after: [start], timeout: 20s, expect: {contains: "Infos for port 0"}}
                """))
        let started = Date()
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(Date().timeIntervalSince(started) < 15, "\(result.stdout)")
    }
}
