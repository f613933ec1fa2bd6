import ArgumentParser
import LabrunnerKit
import Scenarios

/// `labrunner schema`
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of scenario, include or lab files, for yaml-language-server.")

    enum Kind: String, ExpressibleByArgument, CaseIterable { case scenario, include, lab }

    @Option(help: "scenario, include or lab.")
    var kind: Kind = .scenario

    func run() {
        let generator = SchemaGenerator()
        let schema =
            switch kind {
            case .scenario: generator.scenario
            case .include: generator.include
            case .lab: generator.lab
            }
        print(schema.rendered(pretty: true))
    }
}
