import ArgumentParser
import Scenarios

/// `labrunner schema`
struct Schema: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print the JSON Schema of scenario (or lab) files, for yaml-language-server.")

    @Flag(help: "The schema of lab files instead.")
    var lab = false

    func run() {
        let generator = SchemaGenerator()
        print((lab ? generator.lab : generator.scenario).rendered(pretty: true))
    }
}
