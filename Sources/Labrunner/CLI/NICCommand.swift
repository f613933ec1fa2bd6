import ArgumentParser
import FastPath
import Foundation

/// `labrunner nic create|destroy|sriov`: the virtual lab's emulated NICs — flow steering (XDP) on
/// interfaces the lab made in this network namespace, or an SR-IOV NIC with a kernel PF.
struct NICCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nic",
        abstract: "Emulated NICs: a PF with VFs and flow steering (XDP) on veth pairs, or an SR-IOV NIC with a kernel PF.",
        subcommands: [Create.self, Destroy.self, SRIOV.self]
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

    struct SRIOV: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an emulated SR-IOV NIC whose PF is a kernel (TAP) interface, until SIGINT or SIGTERM.")
        @Option(help: "niantic or ixgbe (82599), fortville or i40e (X710).") var model: String
        @Option(help: "The interface frames arrive on (the lab's link).") var uplink: String
        @Option(help: "The PF's interface (a TAP the NIC makes).") var pf: String
        @Option(help: "A VF's interface, optionally =MAC (its address at start), in VF order.") var vf: [String] = []

        func run() throws {
            guard let model = NICModel(name: model) else { throw ValidationError("--model \(model): give niantic (ixgbe) or fortville (i40e)") }
            try KernelPFNIC.run(model: model, uplink: uplink, pf: pf, vfs: try vf.map { try KernelPFNIC.VF($0) }) {
                FileHandle.standardOutput.write(Data("ready\n".utf8))
            }
        }
    }
}
