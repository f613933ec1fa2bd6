import Foundation
import Scenarios

/// VM roles: booted with QEMU, stopped over QMP, NICs hot-plugged.
extension StepRunner {
    /// Boots the VM role from its QEMU argument vector, once the directory for its memory file is there.
    func startVM(_ role: String, argv: [String], memoryPath: String?) async throws -> StepOutput {
        var isDirectory: ObjCBool = false
        if let memoryPath, !(FileManager.default.fileExists(atPath: memoryPath, isDirectory: &isDirectory) && isDirectory.boolValue) {
            throw StepError.setup(
                "\(role)'s memory backing path \(memoryPath) is not a directory (hugetlbfs not mounted there?): QEMU would create it as one file "
                    + "that every VM started with it shares. Mount hugetlbfs there (mount -t hugetlbfs nodev \(memoryPath)), or give the lab "
                    + "memory_backing: memfd")
        }
        try await context.startVM(role, argv: argv)
        return StepOutput(stdout: "started \(role)", stderr: "", status: nil)
    }

    /// Stops the VM role.
    func stopVM(_ role: String) async throws -> StepOutput {
        try await context.stopVM(role)
        return StepOutput(stdout: "stopped \(role)", stderr: "", status: nil)
    }

    /// Sends a hot-plug's QMP commands in order; returns their replies, a line each. An unplug ends when
    /// the device is gone: `device_del` only asks the guest to let it go, and a migration started
    /// before it has would carry a device the destination lacks (and fail).
    func hotplug(_ role: String, _ commands: [JSONValue], unplugging: Bool) async throws -> StepOutput {
        let monitor = try await context.monitor(for: role)
        var replies: [String] = []
        for command in commands { replies.append(try await monitor.execute(command, timeout: timeout)) }
        // An unplug's device_del names the device that must go.
        if unplugging, let id = commands.last?["arguments"]?["id"]?.string {
            let probe = JSONValue.object([
                ("execute", .string("qom-get")),
                ("arguments", .object([("path", .string("/machine/peripheral/\(id)")), ("property", .string("type"))])),
            ])
            let start = ContinuousClock.now
            while true {
                do {
                    _ = try await monitor.execute(probe, timeout: timeout)
                } catch {
                    replies.append("device \(id) deleted after \((ContinuousClock.now - start).pollMilliseconds) ms")
                    break
                }
                guard ContinuousClock.now - start < timeout else {
                    throw StepError.timedOut(
                        after: timeout, output: (replies + ["device \(id) of \(role) still there: its guest did not release it"]).joined(separator: "\n"))
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        return StepOutput(stdout: replies.joined(separator: "\n"), stderr: "", status: nil)
    }
}
