import Foundation
import Scenarios
import Testing

@testable import LabrunnerKit

/// accel: auto — the probe boots the tiny guest and the plan follows its answer.
@Suite struct KVMProbeTests {
    let guest = MigrationTests.guest

    private func probe(_ accelerator: String, cache: String) -> KVMProbe {
        var p = KVMProbe(qemu: "qemu-system-x86_64", kernel: "\(guest)/vmlinux", initrd: "\(guest)/initrd.img")
        p.accelerator = accelerator
        p.cache = cache
        return p
    }

    @Test func theProbeRecognisesAGuestThatBootsAndAnswersInTime() async throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kvmprobe-\(getpid())")
        defer { try? FileManager.default.removeItem(at: dir) }
        // A guest that runs (TCG) is recognised; its answer is cached with its key.
        #expect(await probe("tcg", cache: dir.appendingPathComponent("tcg").path).works())
        #expect(try String(contentsOfFile: dir.appendingPathComponent("tcg").path, encoding: .utf8).hasPrefix("works\ntcg "))
        // KVM gets a definite answer within the timeout either way (on this machine's paravirtual KVM: no).
        let started = ContinuousClock.now
        let kvm = await probe("kvm", cache: dir.appendingPathComponent("kvm").path).works()
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(try String(contentsOfFile: dir.appendingPathComponent("kvm").path, encoding: .utf8).hasPrefix(kvm ? "works\n" : "does not work\n"))
        // A kernel that is not there: no.
        var missing = probe("tcg", cache: dir.appendingPathComponent("missing").path)
        missing = KVMProbe(qemu: missing.qemu, kernel: "/nonexistent", initrd: missing.initrd, cache: missing.cache)
        #expect(await missing.works() == false)
    }

    @Test func thePlanUsesKVMOnlyWhenTheProbeFoundIt() throws {
        let lab = try LabFixture(guest: guest)
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: accel
            title: One VM
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 128MiB, vcpus: 1}
            steps:
              - {id: boot, vm: {start: vm1}}
            """)
        let tcg = try #require(Compiler().plan(path: file, labPath: lab.lab.path, overrides: []).graph?.step("boot")?.command)
        let kvm = try #require(Compiler().plan(path: file, labPath: lab.lab.path, overrides: [], discovered: ["kvm"]).graph?.step("boot")?.command)
        #expect(tcg.contains("-accel tcg") && !tcg.contains("-enable-kvm"))
        #expect(kvm.contains("-enable-kvm") && !kvm.contains("-accel tcg"))
    }
}
