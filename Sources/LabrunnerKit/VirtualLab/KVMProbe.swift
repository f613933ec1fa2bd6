import Foundation
import Scenarios

/// Whether a real KVM works here: boots the virtual lab's tiny guest with `-accel kvm` and waits for
/// its "ready" line. A /dev/kvm that exists but cannot run a stock guest (it hangs or dies) says no
/// within the timeout. The answer is kept for the machine's uptime in /run/labrunner/kvm-probe
/// (keyed by QEMU binary and kernel), so only the first run of a boot pays for it.
struct KVMProbe {
    let qemu: String
    let kernel: String
    let initrd: String
    var timeout: Duration = .seconds(8)
    /// The accelerator tried (tests also boot with tcg, to see the probe recognise a guest that runs).
    var accelerator = "kvm"
    var cache = "/run/labrunner/kvm-probe"

    /// The ready line the guest's init prints.
    static let marker = "labrunner guest ready"

    private var key: String { "\(accelerator) \(qemu) \(kernel)" }

    /// True when the guest booted under KVM.
    func works() async -> Bool {
        if let cached = try? String(contentsOfFile: cache, encoding: .utf8) {
            let parts = cached.split(separator: "\n", maxSplits: 1).map(String.init)
            if parts.count == 2 && parts[1] == key { return parts[0] == "works" }
        }
        let answer = await boot()
        try? FileManager.default.createDirectory(atPath: (cache as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? "\(answer ? "works" : "does not work")\n\(key)".write(toFile: cache, atomically: true, encoding: .utf8)
        return answer
    }

    private func boot() async -> Bool {
        guard accelerator != "kvm" || FileManager.default.isReadableFile(atPath: "/dev/kvm"), FileManager.default.fileExists(atPath: kernel) else {
            return false
        }
        let argv = [
            qemu, "-accel", accelerator, "-cpu", accelerator == "kvm" ? "host" : "max", "-m", "128", "-smp", "1", "-nodefaults", "-nographic", "-no-reboot",
            "-kernel", kernel, "-initrd", initrd, "-append", "console=ttyS0 panic=-1 quiet", "-serial", "stdio",
        ]
        guard let result = try? await LocalExecutor.run(argv, timeout: timeout) else { return false }
        return result.stdout.contains(Self.marker)
    }

    /// The capabilities a probe adds to a virtual lab whose `accel` is auto: `kvm` when it works.
    static func capabilities(for lab: Lab) async -> Set<String> {
        guard lab.isVirtual, lab.accel == "auto", let kernel = lab.guestKernel, let initrd = lab.guestInitrd else { return [] }
        return await KVMProbe(qemu: lab.qemuPath, kernel: kernel, initrd: initrd).works() ? ["kvm"] : []
    }
}
