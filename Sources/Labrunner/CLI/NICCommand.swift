import ArgumentParser
import FastPath

/// `labrunner nic create|destroy`: the virtual lab's emulated NIC with flow steering, on interfaces
/// the lab made in this network namespace.
struct NICCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nic",
        abstract: "Create or remove an emulated PF with VFs and flow steering (XDP) on veth pairs.",
        subcommands: [Create.self, Destroy.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Attach the steering program and the wire ends' programs.")
        @Option(help: "The PF's kernel interface.") var pf: String
        @Option(help: "niantic (ixgbe) or fortville (i40e).") var model: String
        @Option(help: "The interface frames arrive on (the lab's link).") var uplink: String
        @Option(help: "The wire end of the PF's veth pair.") var pfWire: String
        @Option(help: "The wire ends of the VFs' veth pairs, in VF order.") var vfWire: [String] = []

        func run() throws {
            guard let model = NICModel(rawValue: model) else {
                throw ValidationError("--model \(model): give \(NICModel.allCases.map(\.rawValue).joined(separator: " or "))")
            }
            _ = try EmulatedNIC.create(pf: pf, model: model, uplink: uplink, pfWire: pfWire, vfWires: vfWire)
        }
    }

    struct Destroy: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Detach everything and forget the rules.")
        @Option(help: "The PF's kernel interface.") var pf: String

        func run() throws { try EmulatedNIC.open(pf: pf).destroy() }
    }
}
