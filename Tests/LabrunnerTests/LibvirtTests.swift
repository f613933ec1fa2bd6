import Foundation
import Testing

@testable import LabrunnerKit
@testable import Scenarios

/// The libvirt adapter: in-process against the `test:///default` driver, and against real libvirtds —
/// the ones the virtual lab starts in its hosts' namespaces — with TCG domains labrunner generated,
/// booting the tiny guest, and migrated live from one host's libvirt to another's.
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
        let name = Self.domainName()
        let file = try lab.scenario(
            """
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
        let plan = CLI.run(["plan", file, "--lab", lab.lab.path]).stdout
        #expect(plan.contains("libvirtd: in \(lab.prefix)-h1, listening on \(lab.directory.path)/work/h1/libvirt/libvirt-sock"), "\(plan)")
        Self.expectGone(name, lab)
    }

    /// A domain name of this test's own.
    private static func domainName() -> String { "lr-\(UUID().uuidString.prefix(8).lowercased())" }

    /// Neither the domain's QEMU nor the lab's libvirt daemons outlive the run.
    private static func expectGone(_ name: String, _ lab: LabFixture) {
        #expect(CLI.shell("pgrep -af '[g]uest=\(name)' || true").isEmpty)
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    @Test func domainsTheScenarioLeavesAreRemovedByTheLedger() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let name = Self.domainName()
        let file = try lab.scenario(
            """
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
        Self.expectGone(name, lab)
    }

    /// A libvirtd that stops answering (SIGSTOP) fails the libvirt step within the step's timeout, the
    /// run goes on to its always steps and cleanup, and nothing is left.
    @Test func aHungLibvirtdFailsTheStepInTime() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let name = Self.domainName()
        let file = try lab.scenario(
            """
            name: hung-libvirtd
            title: libvirtd stops answering mid-run
            roles:
              h1: {kind: host}
              vm: {kind: vm, host: h1, name: \(name), memory: 192MiB, vcpus: 1}
            steps:
              - {id: define, libvirt: {action: define, domain: vm}}
              - {id: freeze, on: h1, run: "kill -STOP $(cat ${h1.workdir}/libvirtd/libvirtd.pid)"}
              - {id: start, libvirt: {action: start, domain: vm}, timeout: 3s}
            always:
              - {id: thaw, on: h1, run: "kill -CONT $(cat ${h1.workdir}/libvirtd/libvirtd.pid)"}
            """)
        let started = Date()
        let result = lab.run(file)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("libvirt start of \(name) on"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS thaw"), "\(result.stdout)")
        #expect(Date().timeIntervalSince(started) < 60)
        Self.expectGone(name, lab)
    }

    @Test func aDomainMigratesLiveBetweenTwoHostsLibvirts() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let name = Self.domainName()
        let file = try lab.scenario(
            """
            name: libvirt-migration
            title: virDomainMigrateToURI3 from h1's libvirtd to h2's
            roles:
              h1: {kind: host}
              h2: {kind: host}
              vm: {kind: vm, host: h1, name: \(name), memory: 192MiB, vcpus: 1}
            steps:
              - {id: define, libvirt: {action: define, domain: vm}}
              - {id: start, libvirt: {action: start, domain: vm}, expect: {contains: running}}
              - {id: qemu-in-h1, on: h1, run: "ip netns identify $(pgrep -f '[g]uest=\(name)')", expect: {contains: "${h1.namespace}"}}
              - id: migrate
                after: [qemu-in-h1]
                libvirt: {action: migrate, domain: vm, dest: "${h2.libvirt}", migrate_uri: "tcp://${h2.address}"}
                capture:
                  mig: {parse: migrate}
                expect:
                  that:
                    - {value: mig.status, eq: completed}
                    - {value: mig.total_time, gt: 0ms}
                    - {value: mig.downtime, lt: 10s}
                    - {value: mig.transferred_ram, gt: 1MiB}
              - {id: running-on-h2, libvirt: {action: monitor, domain: vm, uri: "${h2.libvirt}", command: info status}, expect: {contains: "VM status: running"}}
              - {id: qemu-in-h2, on: h2, run: "ip netns identify $(pgrep -f '[g]uest=\(name)')", expect: {contains: "${h2.namespace}"}}
              - {id: left-h1, libvirt: {action: state, domain: vm}, expect: {contains: shut off}}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let steps = try lab.runJSON()["steps"] as? [[String: Any]] ?? []
        let job = steps.first { $0["id"] as? String == "migrate" }?["captures"] as? [String: String] ?? [:]
        #expect(job["mig.dirty_sync_count"].flatMap(Int.init).map { $0 >= 1 } == true, "\(job)")
        #expect(job["mig.downtime"]?.hasSuffix("ms") == true, "\(job)")
        Self.expectGone(name, lab)
    }

    @Test func theDestinationMustBeALibvirtThatAnswers() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let name = Self.domainName()
        let file = try lab.scenario(
            """
            name: libvirt-migration-nowhere
            title: A migration to a libvirt nobody runs fails with libvirt's reason, and the domain stays
            roles:
              h1: {kind: host}
              vm: {kind: vm, host: h1, name: \(name), memory: 192MiB, vcpus: 1}
            steps:
              - {id: define, libvirt: {action: define, domain: vm}}
              - {id: start, libvirt: {action: start, domain: vm}}
              - {id: migrate, libvirt: {action: migrate, domain: vm, dest: "qemu+unix:///system?socket=${h1.workdir}/nobody.sock"}}
            always:
              - {id: still-running, libvirt: {action: state, domain: vm}, expect: {contains: running}}
            """)
        let result = lab.run(file)
        #expect(result.status != 0)
        #expect(result.stdout.contains("nobody.sock"), "\(result.stdout)")
        #expect(result.stdout.contains("still-running") && !result.stdout.contains("FAIL still-running"), "\(result.stdout)")
        Self.expectGone(name, lab)
    }

    /// A lab host's libvirt over `qemu+ssh://`: labrunner's own connection goes through the lab's key
    /// and known_hosts (not ~/.ssh), from the namespace the lab connects from; a host whose key the
    /// lab's known_hosts lacks is refused, or recorded there when the lab accepts new keys.
    @Test func aLabHostsLibvirtOverSSHUsesTheLabsKeyAndKnownHosts() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory
        let ledger = try Ledger(file: d.appendingPathComponent("ledger.jsonl"))
        let host = LabHost(
            name: "h1", address: server.address, user: "root", port: 22, namespace: server.serverNamespace, capabilities: [],
            workdir: d.appendingPathComponent("h1").path)
        var failures: [String] = []
        do {
            try await NamespaceLibvirtd(host: host, ledger: ledger).start()
            let uri = "qemu+ssh://root@\(server.address)/system?socket=\(host.libvirtSocket)"
            let through = try LibvirtSSHTransport.uri(uri, host: "h1", options: server.options(), directory: d)
            #expect(through.hasPrefix(uri + "&command=") && through.hasSuffix("&no_tty=1"))
            let connection = try await LibvirtConnection.open(through)
            do {
                _ = try await connection.state("no-such-domain")
                failures.append("a domain that does not exist has no state")
            } catch let error as LibvirtError {
                // libvirtd on the host answered: the domain is unknown there.
                #expect(error.message.contains("no-such-domain"), "\(error)")
            }
            // A known_hosts without the host: refused; the same file with new keys accepted: the key lands there.
            let empty = d.appendingPathComponent("lab_known_hosts").path
            try "".write(toFile: empty, atomically: true, encoding: .utf8)
            do {
                _ = try await LibvirtConnection.open(try LibvirtSSHTransport.uri(uri, host: "h2", options: server.options(knownHosts: empty), directory: d))
                failures.append("a host key the lab's known_hosts lacks must be refused")
            } catch is LibvirtError {}
            _ = try await LibvirtConnection.open(
                try LibvirtSSHTransport.uri(uri, host: "h3", options: server.options(knownHosts: empty, acceptNew: true), directory: d))
            #expect(try String(contentsOfFile: empty, encoding: .utf8).contains(" ssh-ed25519 "))
        } catch {
            failures.append("\(error)")
        }
        _ = await ledger.undoAll()
        await server.tearDown()
        #expect(failures.isEmpty, "\(failures)")
    }
}
