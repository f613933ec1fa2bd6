import Foundation
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// The engine with real processes in real namespaces: parallelism, timeouts, interrupts, failures,
/// dry runs, crash recovery. `.serialized`: these tests time things on a 2-core machine.
@Suite(.serialized) struct EngineTests {
    @Test func independentBranchesOverlap() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: parallel
            title: Two branches of one second each
            roles:
              h1: {kind: host}
              h2: {kind: host}
            steps:
              - {id: a, after: [], on: h1, run: sleep 1}
              - {id: b, after: [], on: h2, run: sleep 1}
              - {id: c, after: [], on: h1, run: sleep 1}
              - {id: join, after: [a, b, c], on: h2, run: "true"}
            """)
        let parallel = lab.run(file, "--jobs", "3")
        #expect(parallel.status == 0, "\(parallel.stdout)\(parallel.stderr)")
        let json = try lab.runJSON()
        let steps = try #require(json["steps"] as? [[String: Any]])
        let starts = steps.filter { ["a", "b", "c"].contains($0["id"] as? String) }.compactMap { $0["started"] as? Double }
        let makespan = try #require(json["seconds"] as? Double)
        // Critical path 1 s; serial would be 3 s. Setup (namespaces) and cleanup are included.
        #expect(starts.max()! - starts.min()! < 0.5, "\(starts)")
        #expect(makespan < 2.0, "makespan \(makespan) s for a 1 s critical path")
        #expect(lab.namespaces().isEmpty)
    }

    /// Virtual lab hosts reach each other at `${host.address}` over the management network, which goes
    /// with the run.
    @Test func hostsReachEachOtherAtTheirAddresses() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: management
            title: Two hosts, no links, one network
            roles:
              h1: {kind: host}
              h2: {kind: host}
            steps:
              - {id: ping, on: h1, run: "busybox ping -c 2 -W 2 ${h2.address}", expect: {contains: "2 packets received"}}
              - {id: listen, on: h2, run: "ip -o -4 addr show dev lrmgmt", expect: {contains: "${h2.address}/24"}}
            """)
        let plan = CLI.run(["plan", file, "--lab", lab.lab.path]).stdout
        #expect(plan.contains("management: every namespace at its address on lrmgmt, bridged in \(lab.prefix).mgmt"), "\(plan)")
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(lab.namespaces().isEmpty, "\(lab.namespaces())")
    }

    /// A how-to's hugepage reservation on a namespace host changes the machine's count: the run puts it back.
    @Test func hugepagesAHowToReservesAreGivenBack() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let counter = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
        let before = try String(contentsOfFile: counter, encoding: .utf8)
        let file = try lab.scenario(
            """
            name: hugepages
            title: Reserve a few hugepages
            roles:
              h1: {kind: host}
            steps:
              - {id: reserve, on: h1, run: "echo $(( $(cat \(counter)) + 4 )) > \(counter); cat \(counter)"}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == before)
    }

    /// A program's output that pauses right after a `# ` in mid-line (testpmd's "######## NIC statistics"
    /// banner) is not the shell's prompt coming back: the step waits for the program's own prompt.
    @Test func aHashInMidLineIsNotTheShellPromptComingBack() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: banner
            title: A banner that pauses after a hash
            roles:
              h1: {kind: host}
            sessions:
              t: {on: h1}
            steps:
              - id: banner
                on: t
                send: "printf '  ######## '; sleep 1; printf 'NIC statistics\\nready> '; read answer"
                prompt: "ready> $"
                expect: {contains: NIC statistics}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
    }

    @Test func jobsBoundParallelism() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: serial
            title: One job at a time
            roles:
              h1: {kind: host}
            steps:
              - {id: a, after: [], on: h1, run: sleep 0.5}
              - {id: b, after: [], on: h1, run: sleep 0.5}
            """)
        let result = lab.run(file, "--jobs", "1")
        #expect(result.status == 0)
        let makespan = try #require(try lab.runJSON()["seconds"] as? Double)
        #expect(makespan >= 1.0)
    }

    @Test func timeoutKillsTheStepAndCleanupStillRuns() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let marker = "\(lab.directory.path)/always-ran"
        let file = try lab.scenario(
            """
            name: timeout
            title: A step that hangs
            roles:
              h1: {kind: host}
            steps:
              - id: hang
                on: h1
                run: sleep 30.4321; echo never
                timeout: 1s
              - {id: after-hang, on: h1, run: echo unreachable}
            always:
              - {id: cleanup, on: h1, run: touch \(marker)}
              - id: tidy
                on: h1
                doc: A block among the always steps is always too, all through
                block:
                  - {id: tidy-one, run: sleep 5.4321, timeout: 1s}
                  - {id: tidy-two, run: touch \(marker)-block}
            """)
        let started = Date()
        let result = lab.run(file)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status == 3, "\(result.stdout)")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.first { $0["id"] as? String == "hang" }?["status"] as? String == "error")
        #expect((steps.first { $0["id"] as? String == "hang" }?["message"] as? String)?.hasPrefix("timed out after 1") == true)
        #expect(steps.first { $0["id"] as? String == "after-hang" }?["status"] as? String == "blocked")
        #expect(FileManager.default.fileExists(atPath: marker))
        // The block's steps ran after the step that hung, and the one after a timed-out one too.
        #expect(steps.first { $0["id"] as? String == "tidy-one" }?["status"] as? String == "error")
        #expect(FileManager.default.fileExists(atPath: marker + "-block"))
        #expect(CLI.shell("pgrep -f 'sleep 30[.]4321'").isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    /// Ctrl-C, or SIGHUP (the terminal or SSH connection went away): the run stops, cleans up, exits 130.
    @Test(arguments: [SIGINT, SIGHUP]) func aSignalMidRunLeavesNothingBehind(signal: Int32) throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let marker = "\(lab.directory.path)/always-ran"
        let file = try lab.scenario(
            """
            name: interrupt
            title: Ctrl-C during a long step
            roles:
              h1: {kind: host}
              h2: {kind: host}
            sessions:
              t1: {on: h2}
            steps:
              - {id: shell, on: t1, send: "sleep 60.\(signal)468 &"}
              - {id: long, after: [], on: h1, run: sleep 60.\(signal)357}
            always:
              - {id: cleanup, on: h1, run: touch \(marker)}
            """)
        let (process, out, err) = try lab.start(file)
        #expect(CLI.waitUntil(10) { !CLI.shell("pgrep -f 'sleep 60[.]\(signal)357'").isEmpty && !CLI.shell("pgrep -f 'sleep 60[.]\(signal)468'").isEmpty })
        Thread.sleep(forTimeInterval: 0.2)
        #expect(lab.namespaces().count == 3)  // two hosts and their management network
        kill(process.processIdentifier, signal)
        let result = CLI.finish(process, out, err)
        #expect(result.status == 130, "\(result.stdout)\(result.stderr)")
        #expect(CLI.shell("pgrep -f 'sleep 60[.]\(signal)357'").isEmpty)
        #expect(CLI.shell("pgrep -f 'sleep 60[.]\(signal)468'").isEmpty)
        #expect(lab.namespaces().isEmpty)
        #expect(FileManager.default.fileExists(atPath: marker))
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.first { $0["id"] as? String == "long" }?["status"] as? String == "cancelled")
    }

    /// A step that prints 40 MiB keeps its first and last 8 MiB (the rest is counted, not kept); a
    /// session's expect looks for its prompt at the output's end however much came before.
    @Test func hugeOutputIsKeptWithinItsBound() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: huge-output
            title: Steps that print a lot
            roles:
              h1: {kind: host}
            sessions:
              t1: {on: h1}
            steps:
              - {id: run, on: h1, run: "echo first; head -c 41943040 /dev/zero | tr '\\\\0' a; echo; echo last", expect: {contains: [first, last]}}
              - {id: typed, on: t1, send: "head -c 20971520 /dev/zero | tr '\\\\0' b; echo; echo end", expect: {contains: end}, timeout: 120s}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout.suffix(2000))\(result.stderr.suffix(2000))")
        let log = try lab.stepLog("run")
        #expect(log.contains("bytes of output left out"))
        #expect(log.utf8.count < 20 << 20)
    }

    /// A run directory on a full disk: the step whose output cannot be written is an error that says
    /// so, the always steps and the cleanup still run, nothing is left.
    @Test func aFullDiskIsTheStepsErrorAndCleanupStillRuns() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        try FileManager.default.createDirectory(at: lab.runs, withIntermediateDirectories: true)
        #expect(CLI.shell("mount -t tmpfs -o size=64k tmpfs \(lab.runs.path) && echo mounted").contains("mounted"))
        defer { _ = CLI.shell("umount \(lab.runs.path)") }
        let marker = lab.directory.appendingPathComponent("cleaned").path
        let file = try lab.scenario(
            """
            name: full-disk
            title: A step prints more than the disk holds
            roles:
              h1: {kind: host}
            steps:
              - {id: big, on: h1, run: "head -c 200000 /dev/zero | tr '\\\\0' x"}
              - {id: next, on: h1, run: "echo next"}
            always:
              - {id: cleanup, on: h1, run: "touch \(marker)"}
            """)
        let result = lab.run(file)
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ERROR big") && result.stdout.contains("cannot write the step's output ("), "\(result.stdout)")
        #expect(result.stdout.contains("No space left on device"), "\(result.stdout)")
        #expect(FileManager.default.fileExists(atPath: marker))
        #expect(lab.namespaces().isEmpty)
    }

    /// Steps start as from a shell: no signal ignored or blocked (labrunner itself ignores SIGPIPE), so a
    /// pipeline whose reader exits early ends as it would at a prompt. glibc's posix_spawn leaves its two
    /// internal signals (32 and 33, below SIGRTMIN) ignored in the child, and glibc programs set them up
    /// again as they start; every signal a program can use is at its default.
    @Test func stepsStartWithNoSignalIgnoredOrBlocked() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: signals
            title: A step's signal dispositions
            roles:
              h1: {kind: host}
            sessions:
              t1: {on: h1}
            steps:
              - {id: run, on: h1, run: "grep -E '^Sig(Ign|Blk)' /proc/self/status; yes | head -1"}
              - {id: typed, on: t1, send: "grep -E '^Sig(Ign|Blk)' /proc/self/status"}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        for step in ["run", "typed"] {
            let log = try lab.stepLog(step)
            let ignored = log.firstMatch(of: /SigIgn:\t([0-9a-f]{16})/).flatMap { UInt64($0.1, radix: 16) }
            #expect(log.contains("SigBlk:\t0000000000000000") && ignored.map { $0 & ~0x1_8000_0000 == 0 } == true, "\(step): \(log)")
        }
    }

    @Test func secondSignalCancelsCleanupStepsButTheLedgerIsStillUndone() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: twice
            title: SIGTERM, then SIGINT during the always steps
            roles:
              h1: {kind: host}
            steps:
              - {id: long, on: h1, run: sleep 60.1122}
            always:
              - {id: slow-cleanup, on: h1, run: sleep 60.3344}
            """)
        let (process, out, err) = try lab.start(file)
        #expect(CLI.waitUntil(10) { !CLI.shell("pgrep -f 'sleep 60[.]1122'").isEmpty })
        Thread.sleep(forTimeInterval: 0.2)
        kill(process.processIdentifier, SIGTERM)
        #expect(CLI.waitUntil(10) { !CLI.shell("pgrep -f 'sleep 60[.]3344'").isEmpty })
        kill(process.processIdentifier, SIGINT)
        let started = Date()
        let result = CLI.finish(process, out, err)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status == 130)
        #expect(CLI.shell("pgrep -f 'sleep 60[.](1122|3344)'").isEmpty)
        #expect(lab.namespaces().isEmpty)
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == ["cancelled", "cancelled"])
    }

    @Test func killedRunIsUndoneByCleanup() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: crash
            title: labrunner is killed
            roles:
              h1: {kind: host}
            sessions:
              t1: {on: h1}
            steps:
              - {id: shell, on: t1, send: "sleep 60.9753 &"}
              - {id: long, on: h1, run: sleep 60.8642}
            """)
        let (process, out, err) = try lab.start(file)
        #expect(CLI.waitUntil(10) { !CLI.shell("pgrep -f 'sleep 60[.]8642'").isEmpty })
        kill(process.processIdentifier, SIGKILL)
        _ = CLI.finish(process, out, err)
        #expect(lab.namespaces().count == 1)
        #expect(!CLI.shell("pgrep -f 'sleep 60[.]8642'").isEmpty, "the run step outlives a killed labrunner until cleanup")
        let cleanup = CLI.run(["cleanup", "--report", lab.runs.path])
        #expect(cleanup.status == 0, "\(cleanup.stdout)")
        #expect(cleanup.stdout.contains("undid 2 of 2"))
        #expect(lab.namespaces().isEmpty)
        // The session's background job and the run step's process both died with the namespace.
        #expect(CLI.waitUntil(3) { CLI.shell("pgrep -f 'sleep 60[.]9753'").isEmpty && CLI.shell("pgrep -f 'sleep 60[.]8642'").isEmpty })
        #expect(CLI.run(["cleanup", "--report", lab.runs.path]).stdout.contains("nothing to clean up"))
    }

    @Test func failingExpectationExitsOneWithJUnitExpectedVsActual() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: failing
            title: An expectation that does not hold
            roles:
              h1: {kind: host}
            steps:
              - id: count
                on: h1
                run: echo 41
                capture:
                  answer: '^(\\d+)'
                expect:
                  that:
                    - {value: answer, eq: 42}
              - {id: independent, after: [], on: h1, run: "true"}
            """)
        let junit = lab.directory.appendingPathComponent("all.xml").path
        let result = lab.run(file, "--junit", junit, "--keep-going")
        #expect(result.status == 1)
        #expect(result.stdout.contains("count: answer == 42 (\(file):13:11): expected == 42, actual 41"), "\(result.stdout)")
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.contains("<failure message=\"answer == 42 (\(file):13:11): expected == 42, actual 41\" type=\"expectation\">"))
        #expect(xml.contains("<testcase classname=\"failing\" name=\"independent\""))
        #expect(xml.contains("tests=\"2\" failures=\"1\" errors=\"0\""))
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse(), "junit.xml is well-formed XML")
    }

    @Test func dryRunRunsNothingAndPrintsEveryCommand() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let marker = "\(lab.directory.path)/must-not-exist"
        let file = try lab.scenario(
            """
            name: dry
            title: Nothing runs
            roles:
              h1: {kind: host}
            steps:
              - {id: touch, on: h1, run: touch \(marker)}
            """)
        let result = lab.run(file, "--dry-run")
        #expect(result.status == 0)
        #expect(result.stdout.contains("$ touch \(marker)"))
        #expect(result.stdout.contains("target: ip netns exec \(lab.prefix)-h1"))
        #expect(!FileManager.default.fileExists(atPath: marker))
        #expect(!FileManager.default.fileExists(atPath: lab.runs.path))
        #expect(lab.namespaces().isEmpty)
    }

    @Test func onlyFromAndUntilSelectSteps() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: select
            title: Resume
            roles:
              h1: {kind: host}
            steps:
              - {id: one, on: h1, run: "true"}
              - {id: two, on: h1, run: "true"}
              - {id: three, on: h1, run: "true"}
            """)
        let result = lab.run(file, "--from", "two", "--until", "two")
        #expect(result.status == 0)
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.map { $0["status"] as? String } == ["skipped", "passed", "skipped"])
    }

    @Test func invalidScenarioExitsTwo() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario("name: bad\ntitle: Bad\nsteps:\n  - {id: x, on: nowhere, run: \"true\"}\n")
        let result = lab.run(file)
        #expect(result.status == 2)
        #expect(result.stderr.contains("unknown role or session 'nowhere'"))
    }

    @Test func stepsWithoutADriverAreInfrastructureErrors() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: nodriver
            title: A forwarder command before the forwarder runs
            roles:
              h1: {kind: host}
              fwd: {kind: forwarder, on: h1, lcores: 0-1}
            steps:
              - {id: show, on: fwd, fastpath: show port stats all}
            """)
        let result = lab.run(file)
        #expect(result.status == 3)
        #expect(result.stdout.contains("forwarder fwd is not running: a step `fastpath: {start: fwd}` must start it first"))
    }
}

/// Sessions with real interactive programs, and nightly mode over a directory.
@Suite(.serialized) struct SessionAndNightlyTests {
    @Test func realTestpmdThroughASessionInANamespace() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: testpmd-session
            title: dpdk-testpmd driven at its prompt
            roles:
              h1: {kind: host}
            sessions:
              t: {on: h1}
            steps:
              - id: testpmd
                on: t
                send: dpdk-testpmd --no-huge -m 512 --no-pci --file-prefix \(lab.prefix) --vdev net_null0 --vdev net_null1 -l 0-1 -- -i --total-num-mbufs=16384
                prompt: "testpmd> $"
                timeout: 60s
              - {id: start, on: t, send: start, prompt: "testpmd> $"}
              - {id: settle, wait: 1s}
              - {id: stop, on: t, send: stop, prompt: "testpmd> $"}
              - id: stats
                on: t
                send: show port stats all
                prompt: "testpmd> $"
                capture:
                  stats: {parse: port-stats}
                expect:
                  that:
                    - {value: stats.0.rx_packets, gt: 1000}
                    - {value: stats.1.tx_packets, gt: 1000}
              - id: bad
                on: t
                send: set fwd nonsense
                prompt: "testpmd> $"
                expect: {contains: "Bad arguments"}
              - id: quit
                on: t
                send: quit
                expect: {contains: "Bye"}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        let captures = try #require(steps.first { $0["id"] as? String == "stats" }?["captures"] as? [String: String])
        #expect(Int(captures["stats.0.rx_packets"] ?? "") ?? 0 > 1000)
        #expect(CLI.waitUntil(3) { CLI.shell("pgrep -f 'file-prefi[x] \(lab.prefix)'").isEmpty })
        #expect(lab.namespaces().isEmpty)
    }

    @Test func aProgramThatExitsIsReportedNotWaitedFor() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: exits
            title: The program dies instead of prompting
            roles:
              h1: {kind: host}
            sessions:
              t: {on: h1}
            steps:
              - {id: fake, on: t, send: "echo 'EAL: Error - exiting'", prompt: "testpmd> $", timeout: 60s}
            """)
        let started = Date()
        let result = lab.run(file)
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(result.status == 3)
        #expect(result.stdout.contains("the program ended (the shell prompt came back) while waiting for /testpmd> $/"))
    }

    @Test func directoryRunsEveryScenarioWithOneSuiteEach() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let nightly = lab.directory.appendingPathComponent("nightly")
        try FileManager.default.createDirectory(at: nightly, withIntermediateDirectories: true)
        for (name, command) in [("one", "true"), ("two", "false")] {
            try "name: \(name)\ntitle: \(name)\nroles:\n  h1: {kind: host}\nsteps:\n  - {id: s, on: h1, run: \"\(command)\"}\n"
                .write(to: nightly.appendingPathComponent("\(name).yaml"), atomically: true, encoding: .utf8)
        }
        let junit = lab.directory.appendingPathComponent("nightly.xml").path
        let result = CLI.run(["run", nightly.path, "--lab", lab.lab.path, "--report", lab.runs.path, "--junit", junit])
        #expect(result.status == 1)
        // A run directory per scenario, and the nightly summary beside them.
        let entries = try FileManager.default.contentsOfDirectory(atPath: lab.runs.path)
        #expect(entries.filter { !$0.hasPrefix("nightly-") }.count == 2)
        #expect(entries.filter { $0.hasPrefix("nightly-") }.sorted().map { $0.hasSuffix(".json") || $0.hasSuffix(".md") } == [true, true])
        let xml = try String(contentsOfFile: junit, encoding: .utf8)
        #expect(xml.components(separatedBy: "<testsuite ").count == 3)
        #expect(xml.contains("expected exit status 0, actual exit status 1"))
    }

    @Test func engineBenchmarkPrintsOverhead() throws {
        let result = CLI.run(["bench", "engine", "--steps", "50", "--jobs", "4"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.range(
                of: #"^engine: 50 steps, jobs 4: \d+\.\d{3} s; the same commands spawned directly: \d+\.\d{3} s; overhead -?\d+\.\d{3} ms per step\n$"#,
                options: .regularExpression) != nil, "\(result.stdout)")
    }
}

/// Retries, captured values flowing into later commands, copies, waits.
@Suite(.serialized) struct StepFeatureTests {
    @Test func retriesWithBackoffCapturesAndCopies() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let counter = "\(lab.directory.path)/attempts"
        let source = "\(lab.directory.path)/source.txt"
        try "payload\n".write(toFile: source, atomically: true, encoding: .utf8)
        let file = try lab.scenario(
            """
            name: features
            title: Retries, captures, copy, wait
            roles:
              h1: {kind: host}
            steps:
              - id: flaky
                doc: Fails twice, then passes
                on: h1
                run: echo x >> \(counter); test $(wc -l < \(counter)) -ge 3
                retries: 3
                retry_delay: 100ms
              - id: produce
                on: h1
                run: echo "port 7 has mac 52:54:00:aa:bb:cc"
                capture:
                  port: 'port (\\d+)'
                  mac: 'mac (\\S+)'
              - id: consume
                on: h1
                run: echo "using ${port} and ${mac}"
                expect: {contains: "using 7 and 52:54:00:aa:bb:cc"}
              - id: ship
                on: h1
                copy: {src: \(source), dest: \(lab.directory.path)/deep/dir/copied.txt, mode: "0640"}
              - id: check-copy
                on: h1
                run: cat \(lab.directory.path)/deep/dir/copied.txt && stat -c %a \(lab.directory.path)/deep/dir/copied.txt
                expect: {contains: ["payload", "640"]}
              - id: poll
                on: h1
                wait: {until: test -f \(counter), every: 100ms, for: 5s}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)")
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        let flaky = try #require(steps.first { $0["id"] as? String == "flaky" })
        #expect(flaky["attempts"] as? Int == 3)
        #expect((flaky["seconds"] as? Double ?? 0) >= 0.3, "100 ms then 200 ms of backoff")
        #expect(steps.first { $0["id"] as? String == "produce" }?["captures"] as? [String: String] == ["port": "7", "mac": "52:54:00:aa:bb:cc"])
    }

    @Test func retriesGiveUpAndReportTheLastFailure() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: giveup
            title: Never passes
            roles:
              h1: {kind: host}
            steps:
              - {id: never, on: h1, run: "echo nope", retries: 2, retry_delay: 50ms, expect: {contains: yes}}
            """)
        let result = lab.run(file)
        #expect(result.status == 1)
        let steps = try #require(try lab.runJSON()["steps"] as? [[String: Any]])
        #expect(steps.first?["attempts"] as? Int == 3)
        #expect(result.stdout.contains("expected output containing \"yes\", actual \"nope\\n\""))
    }
}

/// Progress: a live footer of running steps on a terminal, plain lines in logs.
@Suite(.serialized) struct ProgressTests {
    @Test func liveOnATerminalPlainInALog() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: live
            title: Progress
            roles:
              h1: {kind: host}
            steps:
              - {id: slow, on: h1, run: sleep 0.6}
            """)
        let command = [CLI.binary, "run", file, "--lab", lab.lab.path, "--report", lab.runs.path].joined(separator: " ")
        // swift test sets NO_COLOR when its output is not a terminal; a user's terminal has colour.
        let terminal = CLI.shell("env -u NO_COLOR script -qc '\(command)' /dev/null")
        // The footer is redrawn with the elapsed time while the step runs.
        #expect(terminal.range(of: "\u{1B}\\[33m▸\u{1B}\\[0m slow  run on h1  0\\.[1-9]s", options: .regularExpression) != nil, "\(terminal.debugDescription)")
        #expect(terminal.contains("\u{1B}[32mPASS\u{1B}[0m slow"))
        let log = lab.run(file)
        #expect(log.status == 0)
        #expect(!log.stdout.contains("\u{1B}["))
        #expect(log.stdout.contains("PASS slow ("))
    }

    /// NO_COLOR (https://no-color.org): the terminal still gets the live footer, with no colour in it.
    @Test func noColorKeepsTheFooterWithoutColour() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: plain
            title: Progress without colour
            roles:
              h1: {kind: host}
            steps:
              - {id: slow, on: h1, run: sleep 0.6}
            """)
        let command = [CLI.binary, "run", file, "--lab", lab.lab.path, "--report", lab.runs.path].joined(separator: " ")
        let terminal = CLI.shell("NO_COLOR=1 script -qc '\(command)' /dev/null")
        #expect(terminal.range(of: "▸ slow  run on h1  0\\.[1-9]s", options: .regularExpression) != nil, "\(terminal.debugDescription)")
        #expect(terminal.contains("PASS slow"))
        #expect(!terminal.contains("\u{1B}[3"), "\(terminal.debugDescription)")
    }
}
