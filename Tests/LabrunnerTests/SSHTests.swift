import Foundation
import Testing

@testable import LabrunnerKit

/// The libssh2 adapter against a real sshd in a network namespace.
@Suite(.serialized) struct SSHTests {
    /// Runs `body` with a fresh server and always removes it afterwards.
    private func withServer(_ body: (NamespaceSSHServer) async throws -> Void) async throws {
        let server = try await NamespaceSSHServer()
        do {
            try await body(server)
        } catch {
            await server.tearDown()
            throw error
        }
        await server.tearDown()
    }

    private func options(_ server: NamespaceSSHServer, key: String? = nil, knownHosts: String? = nil, acceptNew: Bool = false) -> SSHOptions {
        server.options(key: key, knownHosts: knownHosts, acceptNew: acceptNew)
    }

    @Test func execGivesStdoutStderrAndExitStatus() async throws {
        try await withServer { server in
            let connection = LibSSH2Connection(options: options(server))
            let result = try await connection.exec("echo out; echo err >&2; exit 3", timeout: .seconds(10))
            #expect(result.stdout == "out\n")
            #expect(result.stderr == "err\n")
            #expect(result.status == 3)
            let big = try await connection.exec("seq 1 200000", timeout: .seconds(20))
            #expect(big.stdout.split(separator: "\n").count == 200000)
            #expect(try await connection.exec("hostname; ip -br addr show lo", timeout: .seconds(10)).status == 0)
        }
    }

    @Test func hungCommandTimesOutAndIsKilled() async throws {
        try await withServer { server in
            let connection = LibSSH2Connection(options: options(server))
            let started = ContinuousClock.now
            let result = try await connection.exec("sleep 30.9876", timeout: .seconds(1))
            #expect(result.timedOut)
            #expect(ContinuousClock.now - started < .seconds(5))
            #expect(CLI.waitUntil(3) { CLI.shell("pgrep -f 'sleep 30[.]9876'").isEmpty })
            // The connection still works after a timeout.
            #expect(try await connection.exec("echo still here", timeout: .seconds(10)).stdout == "still here\n")
        }
    }

    @Test func droppedConnectionIsReestablished() async throws {
        try await withServer { server in
            let connection = LibSSH2Connection(options: options(server))
            #expect(try await connection.exec("echo one", timeout: .seconds(10)).stdout == "one\n")
            await server.stopServer()
            try await server.startServer()
            #expect(try await connection.exec("echo two", timeout: .seconds(10)).stdout == "two\n")
        }
    }

    @Test func serverClosingMidCommandIsReportedNotRetried() async throws {
        try await withServer { server in
            let connection = LibSSH2Connection(options: options(server))
            let marker = server.directory.appendingPathComponent("runs").path
            #expect(try await connection.exec("true", timeout: .seconds(10)).status == 0)
            let started = ContinuousClock.now
            async let killed: Void = {
                try? await Task.sleep(for: .milliseconds(500))
                await server.stopServer()
            }()
            do {
                _ = try await connection.exec("echo x >> \(marker); sleep 20", timeout: .seconds(30))
                Issue.record("a connection closed mid-command must fail")
            } catch SSHError.disconnected(let host, let reason) {
                #expect(host == server.address)
                #expect(reason.contains("while the command was running"))
            }
            await killed
            #expect(ContinuousClock.now - started < .seconds(10))
            // Not run a second time.
            #expect(try String(contentsOfFile: marker, encoding: .utf8) == "x\n")
        }
    }

    @Test func throughAJumpHost() async throws {
        try await withServer { server in
            // The jump host's sshd forwards to the target; here both are the namespace's sshd, and the
            // target connection itself needs no route (its socket is the tunnel's local end).
            var target = options(server)
            target.namespace = nil
            target.via = [options(server)]
            let connection = LibSSH2Connection(options: target)
            let result = try await connection.exec("echo through the jump host; echo err >&2; exit 4", timeout: .seconds(10))
            #expect(result.stdout == "through the jump host\n")
            #expect(result.stderr == "err\n")
            #expect(result.status == 4)
            let big = try await connection.exec("seq 1 50000", timeout: .seconds(20))
            #expect(big.stdout.split(separator: "\n").count == 50000)
            var unreachable = target
            unreachable.port = 2222
            unreachable.attempts = 1
            do {
                try await LibSSH2Connection(options: unreachable).connect()
                Issue.record("must fail")
            } catch SSHError.cannotConnect(let host, _) {
                #expect(host.contains("via \(server.address)"))
            }
        }
    }

    @Test func opensshGoesThroughItsJumpHost() async throws {
        try await withServer { server in
            var target = options(server)
            target.via = [options(server)]
            let control = server.directory.appendingPathComponent("cm-jump").path
            let through = try await OpenSSHHost(options: target, controlPath: control).exec("echo via proxy", timeout: .seconds(20))
            #expect(through.stdout == "via proxy\n")
            _ = try? await LocalExecutor.run(OpenSSHHost(options: target, controlPath: control).stopMaster, timeout: .seconds(5))
            // A jump host that refuses connections: the target is not reached around it.
            target.via[0].port = 2222
            await #expect(throws: SSHError.self) {
                _ = try await OpenSSHHost(options: target, controlPath: control + "2").exec("echo direct", timeout: .seconds(20))
            }
        }
    }

    @Test func uploadWritesTheFile() async throws {
        try await withServer { server in
            let connection = LibSSH2Connection(options: options(server))
            let payload = Data((0..<300_000).map { UInt8($0 % 251) })
            let source = server.directory.appendingPathComponent("source.bin").path
            try payload.write(to: URL(fileURLWithPath: source))
            let path = server.directory.appendingPathComponent("new/dir/uploaded.bin").path
            try await connection.upload(file: source, to: path, mode: 0o750, timeout: .seconds(30))
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == payload)
            #expect(try await connection.exec("stat -c %a \(path)", timeout: .seconds(10)).stdout == "750\n")
            // Nothing else is left beside it (the partial file was renamed into place).
            #expect(try FileManager.default.contentsOfDirectory(atPath: (path as NSString).deletingLastPathComponent) == ["uploaded.bin"])
        }
    }

    /// A host that goes silent (its link down: no FIN, no reset) during a long command: keepalives go
    /// unanswered and the command fails within three intervals, instead of waiting out its timeout.
    @Test func aHostThatStopsAnsweringEndsTheCommandWithinThreeKeepalives() async throws {
        try await withServer { server in
            var silent = options(server)
            silent.keepalive = 1
            let connection = LibSSH2Connection(options: silent)
            #expect(try await connection.exec("true", timeout: .seconds(10)).status == 0)
            let started = ContinuousClock.now
            async let cut: Void = {
                try? await Task.sleep(for: .seconds(1))
                _ = CLI.shell("ip -n \(server.serverNamespace) link set \(server.prefix)b down")
            }()
            do {
                _ = try await connection.exec("sleep 600.4321", timeout: .seconds(120))
                Issue.record("a host that stopped answering must fail the command")
            } catch SSHError.disconnected(let host, let reason) {
                #expect(host == server.address)
                #expect(reason.contains("stopped answering"), "\(reason)")
            }
            await cut
            #expect(ContinuousClock.now - started < .seconds(15), "took \(ContinuousClock.now - started)")
        }
    }

    @Test func changedHostKeyIsRefused() async throws {
        try await withServer { server in
            try await server.changeHostKey()
            await #expect(throws: SSHError.hostKeyChanged(host: server.address, knownHosts: server.knownHosts)) {
                try await LibSSH2Connection(options: options(server)).connect()
            }
        }
    }

    @Test func unknownHostIsRefusedUnlessTheLabAcceptsNewKeys() async throws {
        try await withServer { server in
            let fresh = server.directory.appendingPathComponent("fresh_known_hosts").path
            await #expect(throws: SSHError.hostKeyUnknown(host: server.address, knownHosts: fresh)) {
                try await LibSSH2Connection(options: options(server, knownHosts: fresh)).connect()
            }
            try await LibSSH2Connection(options: options(server, knownHosts: fresh, acceptNew: true)).connect()
            #expect(try String(contentsOfFile: fresh, encoding: .utf8).contains(server.address))
            // Recorded now: accepted without the option, and a changed key is still refused.
            try await LibSSH2Connection(options: options(server, knownHosts: fresh)).connect()
            try await server.changeHostKey()
            await #expect(throws: SSHError.hostKeyChanged(host: server.address, knownHosts: fresh)) {
                try await LibSSH2Connection(options: options(server, knownHosts: fresh, acceptNew: true)).connect()
            }
        }
    }

    /// Accepting a new key appends its line and leaves every other line as it was (comments, markers
    /// libssh2 cannot read); a line libssh2 cannot read may hold the host's real entry, so while one
    /// is there no key of an unknown host is accepted.
    @Test func acceptingANewKeyAppendsAndAnUnreadableLineBlocksIt() async throws {
        try await withServer { server in
            let file = server.directory.appendingPathComponent("mixed_known_hosts").path
            let others = "# the lab's hosts\nh9 ssh-frobnicate\n"
            try others.write(toFile: file, atomically: true, encoding: .utf8)
            await #expect(throws: SSHError.self) {
                try await LibSSH2Connection(options: options(server, knownHosts: file, acceptNew: true)).connect()
            }
            #expect(try String(contentsOfFile: file, encoding: .utf8) == others)
            try "# the lab's hosts\n".write(toFile: file, atomically: true, encoding: .utf8)
            try await LibSSH2Connection(options: options(server, knownHosts: file, acceptNew: true)).connect()
            let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2 && lines[0] == "# the lab's hosts" && lines[1].hasPrefix(server.address + " "), "\(lines)")
            try await LibSSH2Connection(options: options(server, knownHosts: file)).connect()
        }
    }

    @Test func wrongAndRSAKeysAreExplained() async throws {
        try await withServer { server in
            do {
                try await LibSSH2Connection(options: options(server, key: server.directory.appendingPathComponent("stranger").path)).connect()
                Issue.record("a key the host does not know must be refused")
            } catch SSHError.authentication(let host, let user, _) {
                #expect(host == server.address)
                #expect(user == "root")
            }
            do {
                try await LibSSH2Connection(options: options(server, key: server.directory.appendingPathComponent("id_rsa").path)).connect()
                Issue.record("libssh2 1.10 with an RSA key against OpenSSH 9 must be refused")
            } catch SSHError.authentication(_, _, let reason) {
                #expect(reason.contains("use an ed25519 or ECDSA key"))
            }
        }
    }

    @Test func keysFromAnSSHAgent() async throws {
        try await withServer { server in
            let agent = server.directory.appendingPathComponent("agent.sock").path
            // Daemons are started with labrunner's own spawner (Foundation's Process waits on them).
            _ = try await LocalExecutor.run(["ssh-agent", "-a", agent], timeout: .seconds(10))
            defer { _ = CLI.shell("pkill -KILL -f 'ssh-agen[t] -a \(agent)'") }
            #expect(CLI.shell("SSH_AUTH_SOCK=\(agent) ssh-add \(server.clientKey) 2>&1; echo rc=$?").contains("rc=0"))
            var options = options(server, key: "/nonexistent/key")
            options.agent = agent
            let connection = LibSSH2Connection(options: options)
            #expect(try await connection.exec("echo via agent", timeout: .seconds(10)).stdout == "via agent\n")
            _ = CLI.shell("SSH_AUTH_SOCK=\(agent) ssh-add -D 2>&1")
            do {
                try await LibSSH2Connection(options: options).connect()
                Issue.record("an empty agent must not authenticate")
            } catch SSHError.authentication(_, _, let reason) {
                #expect(reason.contains("was accepted"))
            }
        }
    }

    @Test func passwordWhenThereIsNoKey() async throws {
        let rootEntry = { (try? String(contentsOfFile: "/etc/shadow", encoding: .utf8))?.split(separator: "\n").first { $0.hasPrefix("root:") } }
        let before = rootEntry()
        try await withServer { server in
            var options = options(server, key: "/nonexistent/key")
            options.password = server.password
            #expect(try await LibSSH2Connection(options: options).exec("echo by password", timeout: .seconds(10)).stdout == "by password\n")
            options.password = "wrong"
            do {
                try await LibSSH2Connection(options: options).connect()
                Issue.record("a wrong password must be refused")
            } catch SSHError.authentication(_, _, let reason) {
                #expect(reason.hasPrefix("password refused"))
            }
        }
        // The machine's own shadow file was not changed.
        #expect(rootEntry() == before)
    }

    @Test func refusedPortAndUnreachableHostFailWithinTheirTimeout() async throws {
        try await withServer { server in
            var refused = options(server)
            refused.port = 2222
            refused.attempts = 1
            let started = ContinuousClock.now
            do {
                try await LibSSH2Connection(options: refused).connect()
                Issue.record("must fail")
            } catch SSHError.cannotConnect(let host, let reason) {
                #expect(host == "\(server.address):2222")
                #expect(reason.contains("refused"))
            }
            var unreachable = options(server)
            unreachable.host = "198.51.100.3"  // inside the fixture's /30: nobody answers
            unreachable.connectTimeout = .seconds(1)
            unreachable.attempts = 2
            do {
                try await LibSSH2Connection(options: unreachable).connect()
                Issue.record("must fail")
            } catch SSHError.cannotConnect(let host, _) {
                #expect(host.hasPrefix("198.51.100.3"))
            }
            #expect(ContinuousClock.now - started < .seconds(10))
        }
    }
}

/// `labrunner bench ssh` sets up its own namespace host and removes it.
@Suite(.serialized) struct SSHBenchmarkTests {
    @Test func benchmarkPrintsBothMediansAndTheRatio() throws {
        let result = CLI.run(["bench", "ssh", "--commands", "5"])
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(
            result.stdout.range(
                of:
                    #"^host: sshd in namespace ls[0-9a-f]+s, clients in ls[0-9a-f]+c \(both removed\)\nlibssh2: 5 commands, median \d+\.\d{3} ms per command\nssh ControlMaster: 5 commands, median \d+\.\d{3} ms per command\nratio: \d+\.\d{3}\n$"#,
                options: .regularExpression) != nil, "\(result.stdout)")
        let used = result.stdout.split(separator: "\n").first?.split(separator: " ").filter { $0.hasPrefix("ls") }.map { String($0.filter { $0 != "," }) } ?? []
        #expect(used.count == 2)
        let left = CLI.shell("ip netns list")
        #expect(used.allSatisfy { !left.contains($0) })
    }
}

/// A scenario whose host is reached over SSH: the engine runs steps and uploads files through libssh2.
@Suite(.serialized) struct SSHLabTests {
    /// Writes `d/lab.yaml`: an ssh lab named `name` whose one host h1 is `server`, reached from its
    /// client namespace with `access` (its key unless given).
    private func writeLab(_ server: NamespaceSSHServer, name: String, access: String? = nil) throws {
        try """
        name: \(name)
        kind: ssh
        capabilities: [physical-nic]
        hosts:
          h1: {address: \(server.address), user: root, known_hosts: \(server.knownHosts), connect_from: \(server.clientNamespace), \(access ?? "key: \(server.clientKey)")}
        """.write(toFile: server.directory.appendingPathComponent("lab.yaml").path, atomically: true, encoding: .utf8)
    }

    @Test(arguments: ["libssh2", "openssh", "jump", "openssh-jump", "password"]) func scenarioOnAnSSHLab(transport: String) async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        try server.password.write(toFile: "\(d)/password", atomically: true, encoding: .utf8)
        chmod("\(d)/password", 0o600)
        let access =
            switch transport {
            case "jump": "key: \(server.clientKey), jump: root@\(server.address):22"
            case "openssh-jump": "key: \(server.clientKey), transport: openssh, jump: root@\(server.address):22"
            case "password": "key: /nonexistent/key, password_file: \(d)/password"
            default: "key: \(server.clientKey), transport: \(transport)"
            }
        try "payload\n".write(toFile: "\(d)/local.txt", atomically: true, encoding: .utf8)
        try writeLab(server, name: "ssh-test", access: access)
        try """
        name: remote
        title: Steps on a host reached over SSH
        roles:
          h1: {kind: host}
        steps:
          - {id: where, on: h1, run: "ip -br addr show", expect: {contains: "\(server.address)"}}
          - {id: ship, on: h1, copy: {src: \(d)/local.txt, dest: \(d)/remote/copied.txt, mode: "0600"}}
          - {id: check, on: h1, run: "stat -c %a \(d)/remote/copied.txt; cat \(d)/remote/copied.txt", expect: {contains: ["600", "payload"]}}
          - {id: status, on: h1, run: "echo to-stderr >&2; exit 7", expect: {exit: 7}}
          - {id: typed, on: term, send: "cd /tmp && echo $((6 * 7)) in $(pwd)", expect: {contains: "42 in /tmp"}}
          - {id: stateful, on: term, send: "pwd", expect: {contains: "/tmp"}}
        sessions:
          term: {on: h1, doc: A terminal on the SSH host}
        """.write(toFile: "\(d)/remote.yaml", atomically: true, encoding: .utf8)
        let result = CLI.run(["run", "\(d)/remote.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs"])
        let masters = CLI.shell("ip netns pids \(server.clientNamespace)")
        await server.tearDown()
        #expect(masters.isEmpty, "no ssh ControlMaster left running")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("6 passed"))
    }

    /// The lab's password reaches the SSH target and nothing else: not the environment of what labrunner
    /// starts (a step that prints it), so not the step logs or reports; a password file others can read
    /// is refused with what to do.
    @Test func thePasswordStaysOutOfTheRunDirectory() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        setenv("LR_TEST_SSH_PASSWORD", server.password, 1)
        defer { unsetenv("LR_TEST_SSH_PASSWORD") }
        try server.password.write(toFile: "\(d)/password", atomically: true, encoding: .utf8)
        chmod("\(d)/password", 0o644)
        try """
        name: ssh-secret
        kind: ssh
        capabilities: [physical-nic]
        hosts:
          h1: {address: \(server.address), user: root, known_hosts: \(server.knownHosts), connect_from: \(server.clientNamespace), key: /nonexistent/key, password_env: LR_TEST_SSH_PASSWORD}
          h2: {address: \(server.address), user: root, known_hosts: \(server.knownHosts), connect_from: \(server.clientNamespace), key: /nonexistent/key, password_file: \(d)/password}
        """.write(toFile: "\(d)/lab.yaml", atomically: true, encoding: .utf8)
        try """
        name: secret
        title: A step that prints its environment fails, and the password is nowhere
        roles:
          h1: {kind: host}
          h2: {kind: host}
        steps:
          - {id: remote, on: h1, run: "echo reached"}
          - {id: remote-env, after: [remote], on: h1, run: "env; false"}
          - {id: other, after: [], on: h2, run: "echo reached"}
        """.write(toFile: "\(d)/secret.yaml", atomically: true, encoding: .utf8)
        let result = CLI.run(["run", "\(d)/secret.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs", "--keep-going"])
        let leaked = CLI.shell("grep -rl -F -- '\(server.password)' \(d)/runs || true")
        await server.tearDown()
        #expect(result.stdout.contains("PASS remote"), "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("FAIL remote-env"), "\(result.stdout)")
        #expect(
            result.stdout.contains("password_file \(d)/password must be this user's and readable by no one else (mode 644; chmod 600 it)"), "\(result.stdout)")
        #expect(leaked.isEmpty, "the password is in \(leaked)")
        #expect(!result.stdout.contains(server.password) && !result.stderr.contains(server.password))
    }

    /// Ctrl-C during a long command on an SSH host: the run stops within seconds (the remote command is
    /// ended with its channel), runs its always steps and exits 130.
    @Test func sigintDuringARemoteCommandEndsTheRunInTime() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        try writeLab(server, name: "ssh-interrupt")
        try """
        name: interrupted
        title: A long remote command, interrupted
        roles:
          h1: {kind: host}
        steps:
          - {id: long, on: h1, run: "sleep 600.123"}
        always:
          - {id: after, on: h1, run: "echo cleaned up"}
        """.write(toFile: "\(d)/long.yaml", atomically: true, encoding: .utf8)
        let (process, out, err) = try CLI.start(["run", "\(d)/long.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs"])
        #expect(CLI.waitUntil(20) { !CLI.shell("pgrep -f 'sleep 600[.]123'").isEmpty })
        let interrupted = Date()
        kill(process.processIdentifier, SIGINT)
        let result = CLI.finish(process, out, err)
        let seconds = Date().timeIntervalSince(interrupted)
        let left = CLI.shell("pgrep -f 'sleep 600[.]123' || true")
        await server.tearDown()
        #expect(result.status == 130, "\(result.stdout)\(result.stderr)")
        #expect(seconds < 5, "took \(seconds) s")
        #expect(result.stdout.contains("PASS after"), "\(result.stdout)")
        #expect(left.isEmpty, "the remote sleep still runs: \(left)")
    }

    /// The host drops the connection in the middle of a `copy`: the step fails naming itself and the
    /// host, the run exits 3 (infrastructure), its always steps run, and the destination keeps its old
    /// content with no half-written file beside it.
    @Test func theHostDroppingMidCopyFailsTheStepAndLeavesNothingHalfWritten() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        // 8 MiB through 16 Mbit/s: about 4 s on the wire, time enough to drop the connection midway.
        _ = CLI.shell("head -c 8388608 /dev/urandom > \(d)/big.bin; mkdir -p \(d)/remote; echo old > \(d)/remote/big.bin")
        _ = CLI.shell("ip netns exec \(server.clientNamespace) tc qdisc add dev \(server.prefix)a root tbf rate 16mbit burst 32kbit latency 400ms")
        try writeLab(server, name: "ssh-drop")
        try """
        name: dropped
        title: A copy the host drops midway
        roles:
          h1: {kind: host}
        steps:
          - {id: ship, on: h1, copy: {src: \(d)/big.bin, dest: \(d)/remote/big.bin}}
        always:
          - {id: after, on: h1, run: "echo cleaned up"}
        """.write(toFile: "\(d)/drop.yaml", atomically: true, encoding: .utf8)
        let (process, out, err) = try CLI.start(["run", "\(d)/drop.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs"])
        let partialGrew = CLI.waitUntil(20) { !CLI.shell("find \(d)/remote -name '.big.bin.labrunner-partial-*' -size +100k").isEmpty }
        // Every connection sshd serves ends (its listener stays, as on a host whose network blipped).
        _ = CLI.shell("pkill -KILL -P $(cat \(d)/sshd-\(server.serverNamespace).pid)")
        let result = CLI.finish(process, out, err)
        let left = (try? FileManager.default.contentsOfDirectory(atPath: "\(d)/remote")) ?? []
        let content = try? String(contentsOfFile: "\(d)/remote/big.bin", encoding: .utf8)
        await server.tearDown()
        #expect(partialGrew, "the copy never got going")
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("ship") && result.stdout.contains("upload to \(server.address):\(d)/remote/big.bin failed"), "\(result.stdout)")
        #expect(result.stdout.contains("is unchanged"), "\(result.stdout)")
        #expect(result.stdout.contains("PASS after"), "\(result.stdout)")
        #expect(left == ["big.bin"] && content == "old\n", "left on the host: \(left)")
    }

    /// Steps that change an SSH host declare their undo; a run that fails midway, and one killed
    /// midway (SIGKILL, then `labrunner cleanup`), both leave the host as it was: a sysctl, a bridge,
    /// a file standing for a driver bind, undone newest first.
    @Test func undosPutAnSSHHostBackAfterAFailedAndAKilledRun() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        let ns = server.serverNamespace
        try writeLab(server, name: "ssh-undo")
        func scenario(_ last: String) -> String {
            """
            name: changes
            title: Steps that change a host, then a failure
            roles:
              h1: {kind: host}
            steps:
              - {id: forward, on: h1, run: "sysctl -qw net.ipv4.ip_forward=1", undo: "sysctl -qw net.ipv4.ip_forward=0; echo forward >> \(d)/undone"}
              - {id: bridge, on: h1, run: "ip link add lrundo0 type bridge", undo: "ip link del lrundo0; echo bridge >> \(d)/undone"}
              - {id: bind, on: h1, run: "mkdir -p \(d)/state && touch \(d)/state/bound", undo: "rm -f \(d)/state/bound; echo bind >> \(d)/undone"}
              - {id: last, on: h1, run: "\(last)"}
              - {id: never, on: h1, run: "ip link add lrundo1 type bridge", undo: "ip link del lrundo1"}
            """
        }
        func hostState() -> String {
            CLI.shell(
                "ip netns exec \(ns) sysctl -n net.ipv4.ip_forward; ip -n \(ns) -br link show type bridge | wc -l; ls \(d)/state 2>/dev/null | wc -l")
        }
        let before = hostState()
        try scenario("false").write(toFile: "\(d)/failing.yaml", atomically: true, encoding: .utf8)
        let failed = CLI.run(["run", "\(d)/failing.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs"])
        let afterFailure = hostState()
        let order = (try? String(contentsOfFile: "\(d)/undone", encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(atPath: "\(d)/undone")
        // Killed while the host is changed: the ledger already holds the undos; cleanup replays them.
        try scenario("sleep 600.321").write(toFile: "\(d)/killed.yaml", atomically: true, encoding: .utf8)
        let (process, out, err) = try CLI.start(["run", "\(d)/killed.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/killed-runs"])
        let sleeping = CLI.waitUntil(30) { !CLI.shell("pgrep -f 'sleep 600[.]321'").isEmpty }
        let changed = hostState()
        kill(process.processIdentifier, SIGKILL)
        _ = CLI.finish(process, out, err)
        let cleanup = CLI.run(["cleanup", "--report", "\(d)/killed-runs"])
        let afterCleanup = hostState()
        await server.tearDown()
        #expect(before == "0\n0\n0\n", "\(before)")
        #expect(failed.status == 1 && failed.stdout.contains("FAIL last"), "\(failed.stdout)\(failed.stderr)")
        #expect(afterFailure == before, "after the failed run: \(afterFailure)")
        #expect(order == "bind\nbridge\nforward\n", "undone in this order: \(order)")
        #expect(sleeping && changed == "1\n1\n1\n", "while killed: \(changed)")
        #expect(cleanup.status == 0, "\(cleanup.stdout)\(cleanup.stderr)")
        #expect(afterCleanup == before, "after cleanup: \(afterCleanup)")
    }

    /// Two runs on one SSH host at once never overlap: the second stops at once, naming the run that
    /// holds the host's lease; a third waits for it (--wait-for-lab) and starts only once the first has
    /// ended and released it.
    @Test func runsOnOneSSHHostNeverOverlap() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        // The lease lives in the host's working directory: here the server's private tmpfs.
        try writeLab(server, name: "ssh-lease", access: "key: \(server.clientKey), workdir: \(d)/private/lr")
        for (name, line) in [("hold", "date +%s.%N > \(d)/hold-start; sleep 3; date +%s.%N > \(d)/hold-end"), ("other", "date +%s.%N >> \(d)/other-start")] {
            try """
            name: \(name)
            title: One step on the leased host
            roles:
              h1: {kind: host}
            steps:
              - {id: \(name), on: h1, run: "\(line)"}
            """.write(toFile: "\(d)/\(name).yaml", atomically: true, encoding: .utf8)
        }
        let (process, out, err) = try CLI.start(["run", "\(d)/hold.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs-a"])
        let holding = CLI.waitUntil(20) { FileManager.default.fileExists(atPath: "\(d)/hold-start") }
        let refused = CLI.run(["run", "\(d)/other.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs-b"])
        let waited = CLI.run(["run", "\(d)/other.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs-c", "--wait-for-lab", "30s"])
        let first = CLI.finish(process, out, err)
        let leaseLeft = CLI.shell("ip netns exec \(server.serverNamespace) sh -c 'ls \(d)/private/lr 2>/dev/null'")
        let holdEnd =
            Double((try? String(contentsOfFile: "\(d)/hold-end", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? .infinity
        let starts = ((try? String(contentsOfFile: "\(d)/other-start", encoding: .utf8)) ?? "").split(separator: "\n").compactMap { Double($0) }
        let holder = (try? FileManager.default.contentsOfDirectory(atPath: "\(d)/runs-a"))?.first ?? "?"
        await server.tearDown()
        #expect(holding && first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(refused.status == 3 && refused.stdout.contains("host h1 is leased by run \(holder)"), "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stdout.contains("--wait-for-lab"), "\(refused.stdout)")
        #expect(waited.status == 0, "\(waited.stdout)\(waited.stderr)")
        #expect(starts.count == 1 && starts[0] >= holdEnd, "the waiting run started at \(starts), the first ended at \(holdEnd)")
        #expect(!leaseLeft.split(separator: "\n").contains("lease"), "a lease is left: \(leaseLeft)")
    }

    /// A FastPath forwarder on an SSH host runs labrunner's own build there: copied with its libraries
    /// and loader into the host's working directory, checked with sha256sum, and removed at the run's
    /// end; a copy whose files do not match is replaced; a good copy already there is used and left.
    @Test func fastPathIsCopiedToAnSSHHostCheckedAndRemoved() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        try writeLab(server, name: "ssh-fastpath", access: "key: \(server.clientKey), workdir: \(d)/work")
        try """
        name: remote-fastpath
        title: FastPath on a host reached over SSH
        roles:
          h1: {kind: host}
          fwd: {kind: forwarder, on: h1, program: fastpath, lcores: 0-1, vdevs: [net_null0, net_null1], args: -i}
        sessions:
          term: {on: h1, doc: The terminal FastPath runs in}
        steps:
          - {id: fp-start, on: term, fastpath: {start: fwd}, expect: {contains: "testpmd>"}, timeout: 300s}
          - {id: fp-forward, on: fwd, fastpath: start}
          - {id: fp-stats, on: fwd, fastpath: show port stats 0, expect: {regex: 'RX-packets: [1-9]'}, retries: 5, retry_delay: 200ms}
          - {id: keep, on: h1, run: "for c in \(d)/work/fastpath-*; do cp -a $c \(d)/kept; done"}
        always:
          - {id: fp-quit, on: fwd, fastpath: quit}
        """.write(toFile: "\(d)/fastpath.yaml", atomically: true, encoding: .utf8)
        func run(_ report: String) -> (CLI.Output, String) {
            let result = CLI.run(["run", "\(d)/fastpath.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/\(report)"])
            let run = (try? FileManager.default.contentsOfDirectory(atPath: "\(d)/\(report)"))?.first ?? "?"
            return (result, (try? String(contentsOfFile: "\(d)/\(report)/\(run)/steps/fp-start.log", encoding: .utf8)) ?? "")
        }
        func copies() -> [String] { ((try? FileManager.default.contentsOfDirectory(atPath: "\(d)/work")) ?? []).filter { $0.hasPrefix("fastpath-") } }
        let plan = CLI.run(["plan", "\(d)/fastpath.yaml", "--lab", "\(d)/lab.yaml"])
        #expect(plan.stdout.contains("FastPath: the host's labrunner at this labrunner's version, else copied to \(d)/work/fastpath-<build>"), "\(plan.stdout)")
        let (first, firstLog) = run("runs-1")
        let build = firstLog.firstMatch(of: /copied to \S+\/fastpath-([0-9a-f]{16})/).map { String($0.1) } ?? "?"
        let afterFirst = copies()
        // A copy whose files differ (a library replaced) is not used: it is copied again, and removed.
        try FileManager.default.createDirectory(atPath: "\(d)/work/fastpath-\(build)/lib", withIntermediateDirectories: true)
        _ = CLI.shell("cp -a \(d)/kept/. \(d)/work/fastpath-\(build)/ && echo tampered > \(d)/work/fastpath-\(build)/lib/libc.so.6 && rm -rf \(d)/kept")
        let (second, secondLog) = run("runs-2")
        let afterSecond = copies()
        // A good copy of this build is used as it is, and left where it was found.
        _ = CLI.shell("mv \(d)/kept \(d)/work/fastpath-\(build)")
        let (third, thirdLog) = run("runs-3")
        let afterThird = copies()
        await server.tearDown()
        for result in [first, second, third] { #expect(result.status == 0, "\(result.stdout)\(result.stderr)") }
        #expect(firstLog.contains("FastPath: copied to \(d)/work/fastpath-\(build)"), "\(firstLog)")
        #expect(afterFirst.isEmpty, "the run's copy is removed at its end: \(afterFirst)")
        #expect(secondLog.contains("FastPath: copied to \(d)/work/fastpath-\(build)"), "\(secondLog)")
        #expect(afterSecond.isEmpty, "\(afterSecond)")
        #expect(thirdLog.contains("FastPath: found in \(d)/work/fastpath-\(build)"), "\(thirdLog)")
        #expect(afterThird == ["fastpath-\(build)"], "\(afterThird)")
    }

    /// A traffic generator role on an SSH host runs FastPath's generator from the copy put there: a run,
    /// a throughput search, and a background run (start, lap, stop: the copy starts itself again through
    /// its wrapper) send out of one veth and count back on its peer, and their reports come back over
    /// SSH; nothing of the generator or its copy is left on the host.
    @Test func theTrafficGeneratorRunsOnAnSSHHostFromFastPathsCopy() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        let ns = server.serverNamespace
        _ = CLI.shell("ip -n \(ns) link add p0 type veth peer name p1 && ip -n \(ns) link set p0 up && ip -n \(ns) link set p1 up")
        try writeLab(server, name: "ssh-traffic", access: "key: \(server.clientKey), workdir: \(d)/work")
        try """
        name: remote-traffic
        title: The generator on a host reached over SSH
        roles:
          h1: {kind: host}
          tgen: {kind: trafficgen, host: h1, ports: [p0, p1]}
        steps:
          - id: burst
            on: tgen
            traffic: {port: p0, rate: 2kpps, duration: 1s}
            capture: {burst: {parse: traffic}}
            expect: {that: [{value: burst.sent, ge: 1900}, {value: burst.received, eq: "${burst.sent}"}]}
            timeout: 300s
          - id: search
            on: tgen
            traffic: {port: p0, search: [ndr, pdr], max_rate: 4kpps, width: 5%, trial: 500ms, final: 1s}
            capture: {found: {parse: search}}
            expect: {that: [{value: found.ndr, ge: 3.8kpps}, {value: found.trials, ge: 1}]}
          - {id: start, on: tgen, traffic: {action: start, port: p0, rate: 1kpps}}
          - {id: running, on: h1, run: "sleep 1; pgrep -af 'traffic run --port p0'", expect: {contains: "\(d)/work/fastpath-"}}
          - id: lap
            on: tgen
            traffic: {action: lap, port: p0}
            capture: {lap: {parse: traffic}}
            expect: {that: [{value: lap.sent, ge: 500}, {value: lap.lost, eq: 0}]}
          - id: stop
            on: tgen
            traffic: {action: stop, port: p0}
            capture: {flow: {parse: traffic}}
            expect: {that: [{value: flow.received, ge: 500}, {value: flow.lost, eq: 0}]}
        """.write(toFile: "\(d)/traffic.yaml", atomically: true, encoding: .utf8)
        let plan = CLI.run(["plan", "\(d)/traffic.yaml", "--lab", "\(d)/lab.yaml"])
        let result = CLI.run(["run", "\(d)/traffic.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs"])
        let run = (try? FileManager.default.contentsOfDirectory(atPath: "\(d)/runs"))?.first ?? "?"
        let burstLog = (try? String(contentsOfFile: "\(d)/runs/\(run)/steps/burst.log", encoding: .utf8)) ?? ""
        let left = ((try? FileManager.default.contentsOfDirectory(atPath: "\(d)/work")) ?? []).filter { $0.hasPrefix("fastpath-") }
        let generators = CLI.shell("ip netns pids \(ns) | xargs -r ps -o args= -p | grep -c 'traffic run' || true")
        await server.tearDown()
        #expect(plan.stdout.contains("FastPath: the host's labrunner at this labrunner's version, else copied to \(d)/work/fastpath-<build>"), "\(plan.stdout)")
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)\nburst.log: \(burstLog)")
        #expect(result.stdout.contains("6 passed"), "\(result.stdout)")
        #expect(burstLog.contains("FastPath: copied to \(d)/work/fastpath-"), "\(burstLog)")
        #expect(left.isEmpty, "left on the host: \(left)")
        #expect(generators.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "generators still running: \(generators)")
    }

    /// The vhost-user migration how-to on two lab hosts reached only over SSH (both on the namespace
    /// server, each NIC a veth there): the hugepages it reserves, the FastPath it copies and starts as
    /// each host's switch; its VMs cannot start there (no hugetlbfs at the guide's /mnt/huge), so it
    /// fails midway — and each host is as it was: hugepages given back, switches stopped, copies removed.
    @Test func aHowToFailedMidwayOnSSHHostsLeavesThemAsTheyWere() async throws {
        let one = try await NamespaceSSHServer(), two = try await NamespaceSSHServer()
        let d = one.directory.path
        func host(_ server: NamespaceSSHServer, nic: String, workdir: String) -> String {
            _ = CLI.shell(
                "ip -n \(server.serverNamespace) link add \(nic) type veth peer name \(nic)-peer && ip -n \(server.serverNamespace) link set \(nic) up && ip -n \(server.serverNamespace) link set \(nic)-peer up"
            )
            return
                "{address: \(server.address), user: root, known_hosts: \(server.knownHosts), connect_from: \(server.clientNamespace), key: \(server.clientKey), workdir: \(workdir)}"
        }
        try """
        name: ssh-howto
        kind: ssh
        capabilities: [vhost-user, hugepages]
        hosts:
          host_server_1: \(host(one, nic: "ens3f0", workdir: "\(d)/w1"))
          host_server_2: \(host(two, nic: "ens4f0", workdir: "\(d)/w2"))
        """.write(toFile: "\(d)/lab.yaml", atomically: true, encoding: .utf8)
        let counter = "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages"
        let before = try String(contentsOfFile: counter, encoding: .utf8)
        let result = CLI.run([
            "run", CLI.root.appendingPathComponent("scenarios/vhost-user-migration.yaml").path, "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs",
            "--set", "vm_hugepages=256", "--keep-going",
        ])
        let after = try String(contentsOfFile: counter, encoding: .utf8)
        let leftovers = CLI.shell("pgrep -af '[f]astpath.*\(d)/w'") + CLI.shell("ls -d \(d)/w*/fastpath-* \(d)/w*/hugepages-* 2>/dev/null")
        let run = (try? FileManager.default.contentsOfDirectory(atPath: "\(d)/runs"))?.first ?? "?"
        let json = (try? Data(contentsOf: URL(fileURLWithPath: "\(d)/runs/\(run)/run.json"))).flatMap {
            try? JSONSerialization.jsonObject(with: $0) as? [String: Any]
        }
        let steps = json?["steps"] as? [[String: Any]] ?? []
        func status(_ id: String) -> String? { steps.first { $0["id"] as? String == id }?["status"] as? String }
        await one.tearDown()
        await two.tearDown()
        #expect(result.status == 3, "\(result.stdout)\(result.stderr)")
        for id in [
            "h1-setup-dpdk.reserve", "h1-setup-dpdk.after", "h1-vhost-switch", "h2-setup-dpdk.reserve", "h2-vhost-switch", "cleanup-switch-1",
            "cleanup-switch-2",
        ] {
            #expect(status(id) == "passed", "\(id): \(status(id) ?? "missing")\n\(result.stdout)")
        }
        // Neither VM can start: their guide-written backing /mnt/huge is no hugetlbfs on these hosts.
        for id in ["h1-vm", "h2-vm"] { #expect(status(id) == "error" && result.stdout.contains("ERROR \(id)"), "\(result.stdout)") }
        #expect(status("vm-testpmd") == "blocked")
        #expect(after == before, "hugepages: \(before) before, \(after) after")
        #expect(leftovers.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "left on the hosts: \(leftovers)")
    }

    /// What labrunner starts never inherits a lab's password variable: it is taken out of labrunner's
    /// environment once read.
    @Test func aPasswordVariableIsTakenOutOfTheEnvironment() async throws {
        setenv("LR_TEST_TAKEN_SECRET", "s3cret-value", 1)
        EnvironmentSecrets.shared.take(["LR_TEST_TAKEN_SECRET"])
        #expect(EnvironmentSecrets.shared.value(of: "LR_TEST_TAKEN_SECRET") == "s3cret-value")
        #expect(ProcessInfo.processInfo.environment["LR_TEST_TAKEN_SECRET"] == nil)
        let env = try await LocalExecutor.run(["env"], timeout: .seconds(10))
        #expect(!env.stdout.contains("s3cret-value"))
    }

    @Test func qmpOfAVMOnAnSSHHostIsRelayedOverSSH() async throws {
        let server = try await NamespaceSSHServer()
        let d = server.directory.path
        let guest = MigrationTests.guest
        try """
        name: ssh-test
        kind: ssh
        hosts:
          h1: {address: \(server.address), user: root, known_hosts: \(server.knownHosts), connect_from: \(server.clientNamespace), key: \(server.clientKey)}
        """.write(toFile: "\(d)/lab.yaml", atomically: true, encoding: .utf8)
        try """
        name: remote-qmp
        title: A VM on an SSH host, its QMP socket reached through the SSH connection
        roles:
          h1: {kind: host}
          vm1: {kind: vm, host: h1, memory: 128MiB, vcpus: 1, qmp: \(d)/private/vm1.qmp}
        steps:
          - id: launch
            on: h1
            run: >-
              qemu-system-x86_64 -accel tcg -m 128 -nodefaults -display none -daemonize -pidfile \(d)/private/vm1.pid
              -qmp unix:\(d)/private/vm1.qmp,server=on,wait=off -kernel \(guest)/vmlinux -initrd \(guest)/initrd.img
          - {id: status, on: vm1, qmp: {execute: query-status}, expect: {contains: running}}
          - {id: hmp, on: vm1, hmp: info status, expect: {contains: "VM status: running"}}
          - {id: only-there, on: h1, run: "test -S \(d)/private/vm1.qmp && echo socket on the host"}
        always:
          - {id: kill, on: h1, run: "kill $(cat \(d)/private/vm1.pid)"}
        """.write(toFile: "\(d)/remote.yaml", atomically: true, encoding: .utf8)
        let result = CLI.run(["run", "\(d)/remote.yaml", "--lab", "\(d)/lab.yaml", "--report", "\(d)/runs"])
        // The socket lives in a tmpfs only the SSH host's processes see: QMP went through the relay.
        let visibleHere = FileManager.default.fileExists(atPath: "\(d)/private/vm1.qmp")
        await server.tearDown()
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("5 passed"))
        #expect(!visibleHere)
        #expect(LibSSH2Connection.unixRelay("/x y").contains("UNIX-CONNECT:'/x y'"))
    }
}
