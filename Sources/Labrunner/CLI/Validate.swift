import ArgumentParser
import LabrunnerKit
import Scenarios

/// `labrunner validate FILE…`
struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check scenario and lab files; every error in one pass.",
        discussion: "Exit 0 when there are no errors (warnings allowed), 1 otherwise.")

    @Argument(help: "Scenario or lab files, or directories of them.")
    var files: [String]

    @Option(name: .customLong("set"), help: "Override a param: name=value (repeatable).")
    var overrides: [String] = []

    @Option(help: "Lab file the scenarios are checked against (default: the embedded virtual lab).")
    var lab: String?

    @Option(help: "text (file:line:col with the source line and a caret) or json.")
    var format: DiagnosticFormat = .text

    func run() throws {
        let (diagnostics, sources) = Compiler().validate(paths: files, overrides: overrides, labPath: lab)
        DiagnosticPrinter.print(diagnostics, sources: sources, format: format)
        if diagnostics.contains(where: { $0.severity == .error }) { throw ExitCode(1) }
    }
}
