import Foundation
import Testing

@testable import Scenarios

/// Any bytes at all give diagnostics — never a crash, a hang, or a silent pass.
@Suite struct HostileInputTests {
    private func load(_ bytes: [UInt8]) -> LoadResult {
        ScenarioFrontEnd().load(path: "hostile.yaml", bytes: bytes)
    }

    /// Durations become clock durations: one past a week (10^16 s once crashed the run), negative, or not
    /// finite is refused where it is written.
    @Test func durationsPastAWeekAreRefused() {
        for text in ["10000000000000000s", "1e400s", "-1s", "nan", "169h", "604801"] {
            let result = load(
                Array(
                    """
                    name: long
                    title: A long timeout
                    roles:
                      h1: {kind: host}
                    steps:
                      - {id: s, on: h1, run: "true", timeout: \(text)}
                    """.utf8))
            #expect(result.diagnostics.contains { $0.message.contains("'\(text)' is not a duration") }, "\(text): \(result.diagnostics)")
        }
        #expect(ScalarFormat.duration.problem(with: "169h")?.contains("from 0 to a week") == true)
        #expect(ScalarFormat.duration.problem(with: "168h") == nil && ScalarFormat.duration.problem(with: "604800") == nil)
    }

    @Test func hugeFileIsRefusedWithItsSize() {
        let result = load(Array(repeating: UInt8(ascii: "#"), count: 9 << 20))
        #expect(result.diagnostics.first?.message.contains("limit is") == true)
    }

    @Test func deepFlowNestingDoesNotOverflowTheStack() {
        let result = load(Array(("steps: " + String(repeating: "[", count: 100_000)).utf8))
        #expect(result.diagnostics.first?.message.contains("nesting deeper") == true)
    }

    @Test func deepBlockNestingIsRefused() {
        var text = "steps:\n"
        for depth in 0..<200 { text += String(repeating: " ", count: depth * 2 + 2) + "k\(depth):\n" }
        let result = load(Array(text.utf8))
        #expect(result.diagnostics.first?.message.contains("nesting deeper") == true)
    }

    @Test func aliasesThatStaySmallAreFine() {
        let text = """
            name: a
            title: Aliases
            roles:
              h1: &host {kind: host, cores: 0-3}
              h2: *host
            steps:
              - id: one
                on: h1
                run: "true"
            """
        #expect(!load(Array(text.utf8)).hasErrors)
    }

    @Test func scalarsListsAndMappingsWhereTheyDoNotBelong() {
        for text in ["just a string", "- a\n- b", "42", "name: [1, 2]\ntitle: {a: b}\nsteps: x", "steps:\n  - 1\n  - [x]\n  - {}", "? [a]\n: b"] {
            let result = load(Array(text.utf8))
            #expect(result.hasErrors, "\(text)")
        }
    }

    @Test func invalidUTF8IsReported() {
        let result = load([0x6E, 0x61, 0xFF, 0xFE, 0x0A])
        #expect(result.diagnostics.first?.message.contains("not UTF-8") == true)
    }

    /// Random mutations of a real scenario: every outcome is a result, most are diagnostics, none crash.
    @Test func randomMutationsOfAShippedScenario() throws {
        let original = [UInt8](try Data(contentsOf: TestPaths.scenarios.appendingPathComponent("pvp.yaml")))
        var rng = SplitMix(seed: 0x5EED)
        let alphabet = Array("{}[]:,-#&*!|>'\"%@` \n\t\\${}abc0123".utf8)
        var invalid = 0
        let start = ContinuousClock.now
        for _ in 0..<300 {
            var bytes = original
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let position = Int(rng.next() % UInt64(bytes.count))
                switch rng.next() % 3 {
                case 0: bytes[position] = alphabet[Int(rng.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: position)
                }
            }
            let result = ScenarioFrontEnd().load(path: TestPaths.scenarios.appendingPathComponent("fuzz.yaml").path, bytes: bytes)
            if result.hasErrors { invalid += 1 }
            for d in result.diagnostics { #expect(d.location.line >= 1 && d.location.column >= 1) }
        }
        #expect(invalid > 150)
        #expect(ContinuousClock.now - start < .seconds(60))
    }
}

/// A small deterministic generator, so fuzz failures reproduce.
struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
