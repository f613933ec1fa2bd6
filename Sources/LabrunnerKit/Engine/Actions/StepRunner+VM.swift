import Foundation
import Scenarios

/// VM roles: booted with QEMU, stopped over QMP, NICs hot-plugged.
extension StepRunner {
    /// Boots the VM role from its QEMU argument vector.
    func startVM(_ role: String, argv: [String]) async throws -> StepOutput {
        try await context.startVM(role, argv: argv)
        return StepOutput(stdout: "started \(role)", stderr: "", status: nil)
    }

    /// Stops the VM role.
    func stopVM(_ role: String) async throws -> StepOutput {
        try await context.stopVM(role)
        return StepOutput(stdout: "stopped \(role)", stderr: "", status: nil)
    }

    /// Sends a hot-plug's QMP commands in order; returns their replies, a line each.
    func hotplug(_ role: String, _ commands: [JSONValue]) async throws -> StepOutput {
        let monitor = try await context.monitor(for: role)
        var replies: [String] = []
        for command in commands { replies.append(try await monitor.execute(command, timeout: timeout)) }
        return StepOutput(stdout: replies.joined(separator: "\n"), stderr: "", status: nil)
    }
}
