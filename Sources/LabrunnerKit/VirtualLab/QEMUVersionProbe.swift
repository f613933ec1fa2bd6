import Foundation
import Scenarios

/// What the virtual lab's QEMU can do, from its version: `vhost-user-msix` from QEMU 10 on (measured:
/// 7.2 under TCG crashes with MSI-X on a vhost-user NIC, 10.0.2 does not).
struct QEMUVersionProbe {
    let qemu: String

    /// `qemu --version`'s major and minor, or nil when it does not run.
    func version() async -> (major: Int, minor: Int)? {
        // The binary as the launcher runs it (one argument), never through a shell: the lab file names it.
        guard let result = try? await LocalExecutor.run([qemu, "--version"], timeout: .seconds(10)), result.status == 0 else {
            return nil
        }
        return Self.parse(result.stdout)
    }

    /// "QEMU emulator version 10.0.2 (Debian …)" → (10, 0).
    static func parse(_ text: String) -> (major: Int, minor: Int)? {
        guard let range = text.range(of: #"version (\d+)\.(\d+)"#, options: .regularExpression) else { return nil }
        let numbers = text[range].dropFirst("version ".count).split(separator: ".").compactMap { Int($0) }
        return numbers.count == 2 ? (numbers[0], numbers[1]) : nil
    }

    /// The capabilities a virtual lab gains from its QEMU.
    static func capabilities(for lab: Lab) async -> Set<String> {
        guard lab.isVirtual, let version = await QEMUVersionProbe(qemu: lab.qemuPath).version() else { return [] }
        return version.major >= 10 ? [Capability.vhostUserMSIX.rawValue] : []
    }
}
