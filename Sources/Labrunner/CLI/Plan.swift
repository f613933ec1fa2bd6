import ArgumentParser
import LabrunnerKit
import Scenarios

/// `labrunner plan FILE`
struct Plan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print every concrete command a run would execute, in dependency order.",
        discussion: "Exit 0 with a plan, 2 when the scenario or lab is invalid.")

    enum Format: String, ExpressibleByArgument, CaseIterable { case text, json, dot }

    @Argument(help: "The scenario file.")
    var file: String

    @Option(help: "Lab file (default: the embedded virtual lab).")
    var lab: String?

    @Option(name: .customLong("set"), help: "Override a param: name=value (repeatable).")
    var overrides: [String] = []

    @Option(help: "Repeat the scenario's `rounds:` block this many times (a migration there and back, and again).")
    var rounds = 1

    @Option(help: "text, json or dot.")
    var format: Format = .text

    func validate() throws {
        if rounds < 1 { throw ValidationError("--rounds \(rounds): give 1 or more") }
    }

    func run() async throws {
        let result = await LabDiscovery.plan(path: file, labPath: lab, overrides: overrides, rounds: rounds)
        DiagnosticPrinter.print(result.diagnostics, sources: result.sources, format: .text)
        guard let graph = result.graph else { throw ExitCode(2) }
        let renderer = PlanRenderer(graph: graph)
        switch format {
        case .text: print(renderer.text)
        case .json: print(renderer.json)
        case .dot: print(renderer.dot)
        }
    }
}
