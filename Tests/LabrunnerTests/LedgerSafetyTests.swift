import FastPathCLI
import Foundation
import Testing

@testable import LabrunnerKit

/// `labrunner cleanup` runs a ledger's undos as root: only ledgers this user owns and nobody else can
/// write, never while their run lives; a run's directory and ledger are its own.
@Suite struct LedgerSafetyTests {
    /// A ledger someone else could have written is refused, and its undo never runs.
    @Test func aPlantedOrWritableLedgerIsRefused() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let mark = lab.directory.appendingPathComponent("undone").path
        let entry = #"{"kind":"file","name":"x","seq":1,"undo":["touch","\#(mark)"]}"#
        for (name, mode, owner) in [("world-writable", 0o666, 0), ("group-writable-dir", 0o600, 0), ("foreign", 0o600, 65534)] {
            let directory = lab.runs.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            chmod(directory.path, name == "group-writable-dir" ? 0o770 : 0o700)
            let file = directory.appendingPathComponent("ledger.jsonl").path
            try (entry + "\n").write(toFile: file, atomically: false, encoding: .utf8)
            chmod(file, mode_t(mode))
            chown(file, uid_t(owner), gid_t(owner))
        }
        let result = CLI.run(["cleanup", "--report", lab.runs.path])
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("world-writable: ") && result.stdout.contains("refused: others can write it (mode 666)"), "\(result.stdout)")
        #expect(result.stdout.contains("refused: others can write its run directory (mode 770)"), "\(result.stdout)")
        #expect(result.stdout.contains("refused: it belongs to uid 65534, not to this user"), "\(result.stdout)")
        #expect(!FileManager.default.fileExists(atPath: mark))
    }

    /// `cleanup` while a run lives would undo that run under it: refused; the run then cleans up itself.
    /// Its directory and ledger are readable by root only.
    @Test func cleanupLeavesALiveRunAlone() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: live
            title: A run that lasts
            roles:
              h1: {kind: host}
            steps:
              - {id: long, on: h1, run: sleep 60.4242}
            """)
        let (process, out, err) = try lab.start(file)
        #expect(CLI.waitUntil(10) { !CLI.shell("pgrep -f 'sleep 60[.]4242'").isEmpty })
        let cleanup = CLI.run(["cleanup", "--report", lab.runs.path])
        #expect(cleanup.status == 3 && cleanup.stdout.contains("its run is still going"), "\(cleanup.stdout)")
        #expect(lab.namespaces().count == 1)
        let directory = try lab.runDirectory()
        var st = stat()
        #expect(stat(directory.path, &st) == 0 && st.st_mode & 0o777 == 0o700)
        #expect(stat(directory.appendingPathComponent("ledger.jsonl").path, &st) == 0 && st.st_mode & 0o777 == 0o600)
        kill(process.processIdentifier, SIGINT)
        #expect(CLI.finish(process, out, err).status == 130)
        #expect(lab.namespaces().isEmpty)
    }

    /// A ledger's kill names the process by pid and start time: a pid the kernel gave to another process
    /// since is left alone; a process of ours is killed.
    @Test func aKillUndoSparesAReusedPid() async throws {
        let devNull = open("/dev/null", O_RDWR)
        defer { close(devNull) }
        let process = try SpawnedProcess.spawn(["sleep", "60.5151"], stdin: devNull, stdout: devNull, stderr: devNull)
        let start = ProcessStart(process.pid)
        #expect(start.ticks != nil)
        let reused = ProcessStart(pid: process.pid, ticks: "1")  // as if the pid had been another process's
        _ = try await LocalExecutor.run(reused.killUndo(), timeout: .seconds(10))
        #expect(kill(process.pid, 0) == 0, "a process that is not the one recorded was killed")
        _ = try await LocalExecutor.run(start.killUndo(), timeout: .seconds(10))
        #expect(process.waitBlocking() == 128 + SIGKILL)
    }

    @Test func aReportDirectoryThatIsNotThereIsAnError() {
        let result = CLI.run(["cleanup", "--report", "/nonexistent/labrunner-runs"])
        #expect(result.status == 3)
        #expect(result.stdout.contains("--report /nonexistent/labrunner-runs: no such report directory"))
    }
}
