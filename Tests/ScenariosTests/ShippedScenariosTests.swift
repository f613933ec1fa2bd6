import Foundation
import Testing

@testable import Scenarios

/// The how-to scenarios and lab files that ship are clean and plan against both labs.
@Suite struct ShippedScenariosTests {
    static let names = TestPaths.scenarioFiles.map(\.lastPathComponent)

    @Test func allNineHowTosShip() {
        #expect(
            Set(Self.names) == [
                "sriov-bond-migration.yaml", "vhost-user-migration.yaml", "flow-bifurcation-ixgbe.yaml",
                "flow-bifurcation-i40e.yaml", "pvp.yaml", "vf-daemon.yaml", "virtio-user-container.yaml",
                "virtio-user-exception-path.yaml", "pdump.yaml",
            ])
    }

    @Test(arguments: names) func validatesWithoutDiagnostics(name: String) {
        let result = ScenarioFrontEnd().load(path: TestPaths.scenarios.appendingPathComponent(name).path)
        #expect(result.diagnostics.isEmpty, "\(DiagnosticRenderer(sources: result.sources).text(result.diagnostics))")
        #expect(result.scenario?.steps.isEmpty == false)
    }

    @Test(arguments: names, TestPaths.labs) func plansAgainstBothLabs(name: String, lab: URL) throws {
        let result = Compiler().plan(path: TestPaths.scenarios.appendingPathComponent(name).path, labPath: lab.path, overrides: [])
        let graph = try #require(result.graph, "\(DiagnosticRenderer(sources: result.sources).text(result.diagnostics))")
        #expect(!graph.steps.isEmpty)
        // Only what a step captures stays a reference: it is filled in when the step runs.
        let captured = Set(graph.steps.flatMap { $0.captures.map(\.name.value) })
        for step in graph.steps {
            // Only a send may be empty: it presses Enter ("Hit Enter key" in the guide).
            #expect(!step.command.isEmpty || step.keyword == "send", "step \(step.id) has no command")
            let unresolved = References.find(in: step.command).filter { !captured.contains($0.root) }
            #expect(unresolved.isEmpty, "step \(step.id) left a reference unresolved: \(step.command)")
        }
    }

    @Test func labFilesValidate() {
        for lab in TestPaths.labs {
            let (parsed, diagnostics, _) = LabLoader().load(path: lab.path)
            #expect(parsed != nil)
            #expect(diagnostics.isEmpty, "\(lab.lastPathComponent): \(diagnostics.map(\.fullMessage))")
        }
    }

    @Test func embeddedLabIsTheShippedVirtualLab() throws {
        let shipped = try String(contentsOf: TestPaths.scenarios.appendingPathComponent("labs/virtual.yaml"), encoding: .utf8)
        #expect(shipped == LabLoader.embeddedVirtualLab)
    }

    @Test func guideLabNeverUsesTheVirtualLabsAddresses() throws {
        let (lab, _, _) = LabLoader().load(path: TestPaths.labs[0].path)
        #expect(lab?.hosts.map(\.address).sorted() == ["10.237.212.131", "10.237.212.46"])
        #expect(lab?.isVirtual == false)
    }
}

/// The example in the README is a scenario that validates.
@Suite struct ReadmeExampleTests {
    @Test func readmeScenarioValidates() throws {
        let readme = try String(contentsOf: TestPaths.packageRoot.appendingPathComponent("README.md"), encoding: .utf8)
        let start = try #require(readme.range(of: "```yaml\n"))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let example = String(readme[start.upperBound..<end.lowerBound])
        let result = ScenarioFrontEnd().load(path: TestPaths.scenarios.appendingPathComponent("readme-example.yaml").path, bytes: Array(example.utf8))
        #expect(result.diagnostics.isEmpty, "\(DiagnosticRenderer(sources: result.sources).text(result.diagnostics))")
    }
}
