import Foundation
import Testing

@testable import LabrunnerKit

/// QMP on `tcp:host:port`, reached from inside the VM host's namespace (its own loopback).
@Suite struct QMPTCPTests {
    @Test func aVMsMonitorOverTCPInItsHostsNamespace() throws {
        let lab = try LabFixture(guest: MigrationTests.guest)
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: qmp-tcp
            title: QMP over TCP
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 128MiB, vcpus: 1, qmp: "tcp:127.0.0.1:4444"}
            steps:
              - {id: boot, vm: {start: vm1}}
              - {id: status, on: vm1, qmp: {execute: query-status}, capture: {st: {parse: status}}, expect: {that: [{value: st.status, eq: running}]}}
              - {id: hmp, on: vm1, hmp: info status, expect: {contains: "VM status: running"}}
              - {id: stop, vm: {stop: vm1}}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        let plan = CLI.run(["plan", file, "--lab", lab.lab.path])
        #expect(plan.stdout.contains("-qmp tcp:127.0.0.1:4444,server=on,wait=off"))
        #expect(plan.stdout.contains("target: qmp tcp:127.0.0.1:4444"))
    }

    /// An address that never answers (SYNs dropped by a dummy interface) fails within the timeout, not
    /// after the kernel's two minutes of retries.
    @Test func aBlackholedMonitorFailsWithinItsTimeout() async throws {
        let namespace = "lq" + String(UUID().uuidString.prefix(6)).lowercased()
        _ = CLI.shell(
            "ip netns add \(namespace) && ip -n \(namespace) link set lo up && ip -n \(namespace) link add hole type dummy "
                + "&& ip -n \(namespace) addr add 192.0.2.1/24 dev hole && ip -n \(namespace) link set hole up")
        defer { _ = CLI.shell("ip netns del \(namespace)") }
        let started = ContinuousClock.now
        await #expect(throws: QMPError.self) {
            _ = try await QMPClient.connect(to: "tcp:192.0.2.2:4444", namespace: namespace, timeout: .seconds(1))
        }
        #expect(ContinuousClock.now - started < .seconds(5))
    }

    @Test func nobodyListeningIsATypedErrorWithinTheTimeout() async throws {
        let namespace = "lq" + String(UUID().uuidString.prefix(6)).lowercased()
        _ = CLI.shell("ip netns add \(namespace) && ip -n \(namespace) link set lo up")
        defer { _ = CLI.shell("ip netns del \(namespace)") }
        let started = ContinuousClock.now
        await #expect(throws: QMPError.self) {
            _ = try await QMPClient.connect(to: "tcp:127.0.0.1:4999", namespace: namespace, timeout: .seconds(1))
        }
        // Within the timeout, give or take a parallel test run keeping the cooperative pool busy.
        #expect(ContinuousClock.now - started < .seconds(15))
        #expect(QMPClient.tcpAddress("tcp:[::1]:4444")! == ("::1", 4444))
        #expect(QMPClient.tcpAddress("/run/vm.qmp") == nil)
    }
}
