import Foundation
import Testing
@testable import Labrunner
import Scenarios

/// The libvirt adapter: in-process against the `test:///default` driver, and against a real libvirtd
/// (started by scripts/test) with a TCG domain labrunner generated, booting the tiny guest.
@Suite(.serialized) struct LibvirtTests {
    private static let xml = """
    <domain type='qemu'>
      <name>NAME</name>
      <memory unit='KiB'>131072</memory>
      <vcpu>1</vcpu>
      <os><type arch='x86_64' machine='pc'>hvm</type></os>
    </domain>
    """

    @Test func testDriverLifecycleAndTypedErrors() async throws {
        let hypervisor = try await LibvirtConnection.open("test:///default")
        let name = "lr-\(UUID().uuidString.prefix(8))"
        #expect(try await hypervisor.define(xml: Self.xml.replacingOccurrences(of: "NAME", with: name)) == name)
        #expect(try await hypervisor.state(name) == "shut off")
        try await hypervisor.start(name)
        #expect(try await hypervisor.state(name) == "running")
        try await hypervisor.destroy(name)
        try await hypervisor.undefine(name)
        do {
            _ = try await hypervisor.state(name)
            Issue.record("an undefined domain must not be found")
        } catch let error as LibvirtError {
            #expect(error.code == 42)  // VIR_ERR_NO_DOMAIN
            #expect(error.operation == "state \(name)")
        }
        await #expect(throws: LibvirtError.self) { _ = try await hypervisor.define(xml: "<domain>not xml") }
        await #expect(throws: LibvirtError.self) { _ = try await LibvirtConnection.open("nosuchdriver:///x") }
    }

    @Test func realLibvirtdRunsALabrunnerDomain() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let name = "lr-\(UUID().uuidString.prefix(8).lowercased())"
        let file = try lab.scenario("""
        name: libvirt
        title: The PVP how-to's libvirt way, with the tiny guest
        roles:
          h1: {kind: host}
          vm: {kind: vm, host: h1, name: \(name), memory: 192MiB, vcpus: 1}
        steps:
          - {id: define, libvirt: {action: define, domain: vm}}
          - {id: start, libvirt: {action: start, domain: vm}, expect: {contains: running}}
          - {id: qmp, libvirt: {action: monitor, domain: vm, command: '{"execute":"query-status"}'}, expect: {contains: '"running":true'}}
          - {id: hmp, libvirt: {action: monitor, domain: vm, command: info status}, expect: {contains: "VM status: running"}}
        always:
          - {id: destroy, libvirt: {action: destroy, domain: vm}}
          - {id: undefine, libvirt: {action: undefine, domain: vm}}
        """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!CLI.shell("virsh -c qemu:///system list --all --name").contains(name))
    }

    @Test func domainsTheScenarioLeavesAreRemovedByTheLedger() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let name = "lr-\(UUID().uuidString.prefix(8).lowercased())"
        let file = try lab.scenario("""
        name: leftover
        title: A domain nobody destroys
        roles:
          h1: {kind: host}
          vm: {kind: vm, host: h1, name: \(name), memory: 192MiB, vcpus: 1}
        steps:
          - {id: define, libvirt: {action: define, domain: vm}}
          - {id: start, libvirt: {action: start, domain: vm}}
        """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(!CLI.shell("virsh -c qemu:///system list --all --name").contains(name))
    }
}
