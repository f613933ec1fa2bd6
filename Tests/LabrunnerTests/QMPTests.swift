import Foundation
import Scenarios
import Testing

@testable import LabrunnerKit

/// The QMP client and the QEMU launcher against real QEMU 7.2 (TCG, no guest needed), and their
/// failures: a socket that never greets, no socket at all, QEMU that dies, commands QEMU rejects.
@Suite(.serialized) struct QMPTests {
    private func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-qmp-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    private func launch(_ dir: URL, _ extra: [String] = [], ledger: Ledger) async throws -> QEMUProcess {
        let socket = dir.appendingPathComponent("vm.qmp").path
        let argv = ["qemu-system-x86_64", "-accel", "tcg", "-m", "64", "-nographic", "-nodefaults", "-qmp", "unix:\(socket),server=on,wait=off"] + extra
        return try await QEMUProcess.launch(
            role: "vm", argv: argv, namespace: nil, qmpSocket: socket, log: dir.appendingPathComponent("vm.log"), ledger: ledger)
    }

    @Test func commandsEventsErrorsAndDisconnects() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try Ledger(file: dir.appendingPathComponent("ledger.jsonl"))
        let vm = try await launch(dir, ledger: ledger)
        let status = try await vm.monitor.execute(.object([("execute", .string("query-status"))]), timeout: .seconds(5))
        #expect(status.contains(#""status": "running""#) || status.contains(#""status":"running""#))
        #expect(try await vm.monitor.hmp("info status", timeout: .seconds(5)) == "VM status: running\n")
        // An event: stopping the VM emits STOP.
        _ = try await vm.monitor.execute(.object([("execute", .string("stop"))]), timeout: .seconds(5))
        let event = try await vm.monitor.waitForEvent("STOP", timeout: .seconds(5)) { _ in true }
        #expect(event.contains("\"STOP\""))
        await #expect(throws: QMPError.self) {
            _ = try await vm.monitor.waitForEvent("RESUME", timeout: .milliseconds(300)) { _ in true }
        }
        do {
            _ = try await vm.monitor.execute(.object([("execute", .string("no-such-command"))]), timeout: .seconds(5))
            Issue.record("an unknown command must fail")
        } catch QMPError.command(let name, let errorClass, _) {
            #expect(name == "no-such-command")
            #expect(errorClass == "CommandNotFound")
        }
        await vm.stop()
        #expect(vm.exited)
        do {
            _ = try await vm.monitor.execute(.object([("execute", .string("query-status"))]), timeout: .seconds(5))
            Issue.record("a closed monitor must fail")
        } catch QMPError.disconnected {
        } catch QMPError.timeout {
            Issue.record("a closed monitor must fail at once, not time out")
        }
        #expect(await ledger.undoAll().isEmpty)
    }

    @Test func socketThatNeverGreetsTimesOut() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("silent.sock").path
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", "-c", "import socket,sys,time; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(1); c,_=s.accept(); time.sleep(30)", path,
        ]
        try server.run()
        defer { server.terminate() }
        #expect(CLI.waitUntil(5) { FileManager.default.fileExists(atPath: path) })
        let started = ContinuousClock.now
        do {
            _ = try await QMPClient.connect(to: path, timeout: .seconds(1))
            Issue.record("a silent socket must not connect")
        } catch QMPError.noGreeting(let socket, _) {
            #expect(socket == path)
        }
        #expect(ContinuousClock.now - started < .seconds(3))
    }

    /// A QEMU that stops reading its monitor (SIGSTOP) fails a command by the command's timeout,
    /// instead of holding the thread that writes it; the connection is then closed.
    @Test func aMonitorThatStopsReadingFailsWithinTheTimeout() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try Ledger(file: dir.appendingPathComponent("ledger.jsonl"))
        let vm = try await launch(dir, ledger: ledger)
        let pid = Int32(CLI.shell("pgrep -f 'qemu-system-x86_6[4].*\(dir.path)/vm.qmp'").split(separator: "\n").first ?? "") ?? 0
        #expect(pid > 0)
        kill(pid, SIGSTOP)
        let started = ContinuousClock.now
        do {
            // More than any socket buffer holds: the write itself must wait for a reader.
            _ = try await vm.monitor.hmp("echo " + String(repeating: "x", count: 16 << 20), timeout: .seconds(2))
            Issue.record("a monitor that reads nothing must fail the command")
        } catch QMPError.notReading(let socket, let after) {
            #expect(socket.hasSuffix("vm.qmp") && after == .seconds(2))
        }
        #expect(ContinuousClock.now - started < .seconds(5), "took \(ContinuousClock.now - started)")
        kill(pid, SIGCONT)
        await vm.stop(timeout: .seconds(3))
        #expect(await ledger.undoAll().isEmpty)
    }

    @Test func aWriteToAPeerThatHungUpIsAnErrorNotASignal() throws {
        var pair: [Int32] = [0, 0]
        #expect(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        close(pair[1])
        defer { close(pair[0]) }
        // The test process keeps SIGPIPE at its default: a raised one would end it here.
        #expect(NonBlockingIO.write(Array("quit\n".utf8), to: pair[0], within: .seconds(1)) == .closed(EPIPE))
    }

    @Test func missingSocketIsATypedError() async throws {
        do {
            _ = try await QMPClient.connect(to: "/nonexistent/labrunner.qmp", timeout: .milliseconds(300))
            Issue.record("must fail")
        } catch QMPError.cannotConnect(let socket, let reason) {
            #expect(socket == "/nonexistent/labrunner.qmp")
            #expect(reason.contains("No such file"))
        }
    }

    @Test func qemuThatDiesIsReportedWithItsLog() async throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let ledger = try Ledger(file: dir.appendingPathComponent("ledger.jsonl"))
        let started = ContinuousClock.now
        do {
            _ = try await launch(dir, ["-no-such-option"], ledger: ledger)
            Issue.record("must fail")
        } catch let error as QEMUProcess.LaunchError {
            #expect(error.description.contains("QEMU exited with status 1"))
            #expect(error.description.contains("no-such-option"))
        }
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(await ledger.undoAll().isEmpty)
    }
}

/// A live migration between two QEMUs in two namespaces, driven by a scenario over QMP.
@Suite(.serialized) struct MigrationTests {
    /// The tiny guest `scripts/test` builds (`labrunner lab build-guest`).
    static let guest = "/run/labrunner/guest"

    /// A hugepages backing whose path is no directory (no hugetlbfs mounted there) is refused before QEMU
    /// starts: QEMU would create that path as one memory file, which every later VM started with it shares
    /// (a second QEMU booting over the first one's memory, a migration's destination writing the source's).
    @Test func aHugepagesPathThatIsNoDirectoryIsRefusedBeforeQEMUStarts() throws {
        let lab = try LabFixture(guest: Self.guest, memoryBacking: "as-written")
        defer { lab.tearDown() }
        let path = lab.directory.appendingPathComponent("no-hugetlbfs").path
        let file = try lab.scenario(
            """
            name: unmounted-hugepages
            title: A VM backed by hugepages where none are mounted
            roles:
              h1: {kind: host}
              vm1:
                kind: vm
                host: h1
                memory: 128MiB
                backing: {type: hugepages, path: \(path), share: true}
                vcpus: 1
            steps:
              - {id: boot, vm: {start: vm1}}

            """)
        let result = lab.run(file)
        #expect(result.status == 3, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("vm1's memory backing path \(path) is not a directory"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(lab.leftoverProcesses().isEmpty)
    }

    @Test func tinyGuestKeepsRunningAcrossALiveMigration() throws {
        #expect(FileManager.default.fileExists(atPath: "\(Self.guest)/vmlinux"), "run: labrunner lab build-guest")
        let lab = try LabFixture(guest: Self.guest)
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: guest-migration
            title: A tiny guest on its serial console, migrated live
            roles:
              h1: {kind: host}
              h2: {kind: host}
              vm1:
                kind: vm
                host: h1
                memory: 192MiB
                vcpus: 1
                nics:
                  - {id: net0, type: tap, ifname: tap0, mac: "52:54:00:12:34:56"}
              vm1_dst:
                kind: vm
                host: h2
                memory: 192MiB
                vcpus: 1
                nics:
                  - {id: net0, type: tap, ifname: tap0, mac: "52:54:00:12:34:56"}
                incoming: "unix:${h2.workdir}/migrate.sock"
            sessions:
              console: {on: vm1, console: serial}
              console_dst: {on: vm1_dst, console: serial}
            steps:
              - {id: boot, vm: {start: vm1}}
              - id: guest
                on: console
                send: uname -r; cat /sys/class/net/eth0/address
                expect: {regex: '^6\\.', contains: "52:54:00:12:34:56"}
                timeout: 120s
              - id: counter
                on: console
                send: "i=0; while true; do i=$((i+1)); echo $i > /tmp/count; sleep 0.1; done &"
              - {id: settle, wait: 500ms}
              - id: before
                on: console
                send: cat /tmp/count
                capture:
                  before: '(\\d+)'
              - {id: dst, after: [], vm: {start: vm1_dst}}
              - id: migrate
                after: [before, dst]
                on: vm1
                hmp: migrate unix:${h2.workdir}/migrate.sock
                capture:
                  mig: {parse: migrate}
                expect:
                  that:
                    - {value: mig.status, eq: completed}
                    - {value: mig.downtime, lt: 2s}
              - {id: source-stopped, on: vm1, hmp: info status, expect: {contains: "postmigrate"}}
              - {id: later, wait: 1s}
              - id: after
                on: console_dst
                send: cat /tmp/count
                capture:
                  after: '(\\d+)'
                expect:
                  doc: The guest's loop kept counting on the destination
                  that:
                    - {delta: after, since: before, gt: 3}
            always:
              - {id: stop-dst, vm: {stop: vm1_dst}}
              - {id: stop-src, vm: {stop: vm1}}
            """)
        let result = lab.runBootingGuests(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(CLI.shell("pgrep -f 'qemu-system-x86_6[4].*\(lab.prefix)'").isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    @Test func liveMigrationThroughTheEngine() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: migration
            title: Two QEMUs, a live migration over QMP
            roles:
              h1: {kind: host}
              h2: {kind: host}
              vm1: {kind: vm, host: h1, memory: 128MiB, vcpus: 1}
              vm1_dst: {kind: vm, host: h2, memory: 128MiB, vcpus: 1, incoming: "unix:${h2.workdir}/migrate.sock"}
            sessions:
              mon1: {on: vm1, console: monitor}
            steps:
              - {id: src, vm: {start: vm1}}
              - {id: dst, after: [], vm: {start: vm1_dst}}
              - {id: inmigrate, after: [dst], on: vm1_dst, hmp: info status, expect: {contains: "VM status: paused (inmigrate)"}}
              - id: migrate
                after: [src, inmigrate]
                on: mon1
                hmp: migrate unix:${h2.workdir}/migrate.sock
                capture:
                  mig: {parse: migrate}
                expect:
                  that:
                    - {value: mig.status, eq: completed}
                    - {value: mig.downtime, lt: 1s}
                    - {value: mig.remaining_ram, eq: 0}
                    - {value: mig.transferred_ram, gt: 100kB}
              - {id: postmigrate, on: mon1, hmp: info status, expect: {contains: "VM status: paused (postmigrate)"}}
              - id: dst-running
                on: vm1_dst
                qmp: query-status
                capture:
                  st: {parse: status}
                expect:
                  that:
                    - {value: st.running, eq: "true"}
            always:
              - {id: stop-dst, vm: {stop: vm1_dst}}
              - {id: stop-src, vm: {stop: vm1}}
            """)
        let result = lab.runBootingGuests(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        let captures = try #require(steps.first { $0["id"] as? String == "migrate" }?["captures"] as? [String: String])
        #expect(captures["mig.status"] == "completed")
        #expect(captures["mig.dirty_sync_count"] != nil)
        #expect(CLI.shell("pgrep -f 'qemu-system-x86_6[4].*\(lab.prefix)'").isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// The run directory's labrunner.log: QMP traffic at debug, and the step that failed with its reason.
    @Test func runLogRecordsQMPTrafficAndStepErrors() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: logged
            title: QMP traffic and a failing step in labrunner.log
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 64MiB, vcpus: 1}
            steps:
              - {id: boot, vm: {start: vm1}}
              - {id: status, on: vm1, qmp: query-status}
              - {id: bogus, on: vm1, qmp: no-such-command}
            always:
              - {id: stop, vm: {stop: vm1}}
            """)
        let result = lab.run(file, "--log-level", "debug")
        #expect(result.status != 0, "\(result.stdout)")
        let log = try String(contentsOf: try lab.runDirectory().appendingPathComponent("labrunner.log"), encoding: .utf8)
        #expect(log.contains("info [LabrunnerKit] run logged on lab test-lab"), "\(log)")
        #expect(log.contains(#"→ {"execute":"query-status""#), "\(log)")
        #expect(log.contains("no-such-command failed"), "\(log)")
        #expect(log.contains("error [LabrunnerKit] step bogus error"), "\(log)")
        #expect(log.contains("info [LabrunnerKit] step stop passed"), "\(log)")

        // At the default level QMP traffic is left out.
        try? FileManager.default.removeItem(at: lab.runs)
        _ = lab.run(file)
        let quiet = try String(contentsOf: try lab.runDirectory().appendingPathComponent("labrunner.log"), encoding: .utf8)
        #expect(!quiet.contains("→"), "\(quiet)")
        #expect(quiet.contains("step bogus error"), "\(quiet)")
    }

    /// An always step typed at the console of a guest that cannot answer (paused for an incoming
    /// migration) fails at once with that reason, instead of waiting out its timeout.
    @Test func aPausedGuestsConsoleFailsAtOnce() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: paused
            title: A console that cannot answer
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 64MiB, vcpus: 1, incoming: "unix:${h1.workdir}/never.sock"}
            sessions:
              console: {on: vm1, console: serial}
            steps:
              - {id: boot, vm: {start: vm1}}
            always:
              - {id: quit-guest-app, on: console, send: quit, timeout: 60s}
              - {id: stop, vm: {stop: vm1}}
            """)
        let started = Date()
        let result = lab.run(file)
        #expect(Date().timeIntervalSince(started) < 15, "\(result.stdout)")
        #expect(result.status == 3, "\(result.stdout)")
        #expect(
            result.stdout.contains("session console cannot answer (nothing was typed): vm vm1 is paused (inmigrate) and stayed so for 3.0 seconds"),
            "\(result.stdout)")
        #expect(result.stdout.contains("PASS stop"), "\(result.stdout)")
    }

    /// A step typed at the console of a guest that panicked fails as soon as the panic ends, with the
    /// panic in its message, instead of waiting out its timeout.
    /// A guest's QEMU that dies while a step talks to its console: the step says so, with QEMU's exit
    /// status (a signal's, here) — not only that "the terminal closed".
    @Test func aConsoleWhoseQEMUDiesSaysHow() throws {
        let lab = try LabFixture(guest: Self.guest)
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: killed
            title: QEMU killed under a console step
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 128MiB, vcpus: 1}
            sessions:
              console: {on: vm1, console: serial}
            steps:
              - {id: boot, vm: {start: vm1}}
              - {id: ready, on: console, send: "echo ready", expect: {contains: ready}, timeout: 120s}
              - {id: talk, on: console, send: "sleep 20; echo never", timeout: 60s}
              - {id: kill, after: [ready], on: h1, run: "sleep 2; pkill -KILL -f '[q]emu-system.*\(lab.directory.path)'"}
            """)
        let result = lab.run(file, "--keep-going")
        #expect(result.status == 3, "\(result.stdout)")
        #expect(result.stdout.contains("ERROR talk"), "\(result.stdout)")
        #expect(result.stdout.contains("the console console closed: vm vm1: its QEMU exited with status 137"), "\(result.stdout)")
    }

    @Test func aPanickedGuestsConsoleFailsAtOnce() throws {
        let lab = try LabFixture(guest: Self.guest)
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: panicked
            title: A guest whose kernel finds no init
            roles:
              h1: {kind: host}
              vm1: {kind: vm, host: h1, memory: 128MiB, vcpus: 1, append: "console=ttyS0 rdinit=/no-such-init init=/no-such-init panic=0"}
            sessions:
              console: {on: vm1, console: serial}
            steps:
              - {id: boot, vm: {start: vm1}}
              - {id: prompt, on: console, send: "echo hello", timeout: 120s}
            always:
              - {id: quit-guest-app, on: console, send: quit, timeout: 120s}
              - {id: stop, vm: {stop: vm1}}
            """)
        let started = Date()
        let result = lab.run(file)
        #expect(Date().timeIntervalSince(started) < 60, "\(result.stdout)")
        #expect(result.status == 3, "\(result.stdout)")
        #expect(result.stdout.contains("the guest on session console panicked"), "\(result.stdout)")
        // The always step on the same console knows it will not answer.
        #expect(result.stdout.contains("ERROR quit-guest-app"), "\(result.stdout)")
        #expect(result.stdout.contains("the guest of vm vm1 panicked earlier in this run"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS stop"), "\(result.stdout)")
    }
}
