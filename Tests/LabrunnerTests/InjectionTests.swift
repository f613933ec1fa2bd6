import Foundation
import Testing

@testable import LabrunnerKit

/// Values from a host's output and from `--set` reach later command lines as data, on a real host (a
/// namespace of the virtual lab) through real shells: in `run:` lines, quoted or not, and typed into
/// a session. Each payload once created a file on the machine.
@Suite struct InjectionTests {
    @Test func capturedAndSetValuesNeverRun() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let mark = lab.directory.appendingPathComponent("injected").path
        let evil = "x'$(touch \(mark))`touch \(mark)`;touch \(mark);echo \"'"
        try evil.write(toFile: lab.directory.appendingPathComponent("evil.txt").path, atomically: true, encoding: .utf8)
        let file = try lab.scenario(
            """
            name: hostile-values
            title: Hostile captured and --set values stay data
            params:
              label: {type: string, default: plain, doc: A label the command line sets}
            roles:
              h1: {kind: host}
            sessions:
              t1: {on: h1}
            steps:
              - id: emit
                on: h1
                run: cat \(lab.directory.path)/evil.txt
                capture:
                  evil: '^(.*)$'
              - id: bare
                on: h1
                after: [emit]
                run: printf '[%s]' ${evil} ${label}
              - id: quoted
                on: h1
                after: [bare]
                run: printf '[%s]' "${evil}" '${label}' "in $(printf '%s' ${evil}) it"
              - id: typed
                on: t1
                after: [quoted]
                send: printf '[%s]' ${evil} '${label}'

            """)
        let label = "'; touch \(mark); echo '"
        let result = lab.run(file, "--set", "label=\(label)")
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: mark), "a payload ran")
        #expect(try lab.stepLog("bare").contains("[\(evil)][\(label)]"))
        #expect(try lab.stepLog("quoted").contains("[\(evil)][\(label)][in \(evil) it]"))
        #expect(try lab.stepLog("typed").contains("[\(evil)][\(label)]"))
    }

    /// A value with a newline would type a second line into a session: the step fails with why, and
    /// nothing of it is typed.
    @Test func aCapturedNewlineIsRefused() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let mark = lab.directory.appendingPathComponent("typed").path
        let file = try lab.scenario(
            """
            name: hostile-newline
            title: A captured value with a newline
            roles:
              h1: {kind: host}
            sessions:
              t1: {on: h1}
            steps:
              - id: emit
                on: h1
                run: printf 'v=a\\ntouch \(mark)\\n'
                capture:
                  v: '(?s)v=(.*)'
              - {id: typed, on: t1, after: [emit], send: "echo ${v}"}

            """)
        let result = lab.run(file)
        #expect(result.status != 0)
        #expect(result.stdout.contains("the value of ${v} holds a control character"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: mark))
    }
}
