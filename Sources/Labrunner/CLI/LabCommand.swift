import ArgumentParser

/// `labrunner lab …`
struct LabCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lab",
        abstract: "Prepare the embedded virtual lab.",
        subcommands: [BuildGuest.self])
}
