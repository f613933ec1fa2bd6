import Foundation
import Logging
import Scenarios

/// Shared state of one run: captured values, open sessions, the hosts, the ledger, the run directory.
actor RunContext {
    let graph: StepGraph
    let ledger: Ledger
    let directory: URL
    /// The run's `labrunner.log`.
    let logger: Logger
    /// One conversation at a time per session.
    let turns = SessionTurns()
    private(set) var variables: [String: String] = [:]
    private var sessions: [String: any InteractiveSession] = [:]
    private var vms: [String: any VMProcess] = [:]
    private var monitors: [String: any MonitorConnection] = [:]
    private var connections: [String: LibSSH2Connection] = [:]
    private var hypervisors: [String: LibvirtConnection] = [:]
    private var libvirtTransports: [String: String] = [:]
    /// What the steps measured for the report's plots.
    private(set) var records = RunRecords()

    /// Keeps a traffic step's report (its output's JSON) for the report's timeline.
    func recordTraffic(of step: String, in output: String) {
        if let report = JSONValue.reply(in: output), let record = TrafficRecord(step: step, report: report) { records.traffic.append(record) }
    }

    /// How long to wait for another run's lease on a lab host (none: fail the step at once).
    let waitForLab: Duration?
    private var leases: [String: (host: any RemoteHost, lease: HostLease, taken: Task<Void, Error>)] = [:]
    private var renewal: Task<Void, Never>?

    /// `host` once this run holds its lease (HostLease): taken on first use, by one task that every
    /// step on the host waits for, its release in the ledger first; renewed while the run lives.
    private func leased(_ host: any RemoteHost, _ binding: LabHost) async throws -> any RemoteHost {
        if leases[binding.name] == nil {
            let lease = HostLease(run: directory.lastPathComponent, workdir: binding.workdir)
            let (wait, ledger, logger, name) = (waitForLab, ledger, logger, binding.name)
            let taken = Task { try await lease.take(on: host, named: name, waiting: wait, ledger: ledger, logger: logger) }
            leases[name] = (host, lease, taken)
            if renewal == nil { renewal = Task { await renewLeases() } }
        }
        // A step cancelled while it waits (Ctrl-C) stops the wait.
        let taken = leases[binding.name]!.taken
        try await withTaskCancellationHandler {
            try await taken.value
        } onCancel: {
            taken.cancel()
        }
        return host
    }

    /// Renews every lease held, every third of a lease's lifetime, until `closeAll`.
    private func renewLeases() async {
        while !Task.isCancelled {
            try? await Task.sleep(for: HostLease.lifetime / 3)
            if Task.isCancelled { return }
            for (name, held) in leases where (try? await held.taken.value) != nil {
                if (try? await held.host.exec(held.lease.acquire, timeout: .seconds(30)))?.status != 0 {
                    logger.error("the lease on host \(name) could not be renewed")
                }
            }
        }
    }

    /// Domain name → the libvirt URI it runs on, for the domains this run started (and migrated).
    private var libvirtDomains: [String: String] = [:]

    /// Notes that domain `name` now runs on the libvirt at `uri` (nil: it stopped). A guest started or
    /// migrated is a new QEMU: the consoles of every VM role that is this guest are reopened.
    func domain(_ name: String, runsOn uri: String?) async {
        libvirtDomains[name] = uri
        for (session, spec) in graph.sessions where spec.console == "serial" && graph.domains[spec.role] == name { await drop(session) }
    }

    /// The standalone FastPath binary copied to SSH lab hosts.
    let fastpath: String?
    private var fastPaths: [String: Task<FastPathDeployment.Source, Error>] = [:]

    /// Where `labrunner fastpath` comes from on the SSH lab host that host role `role` is bound to: put
    /// there once per run (by one task every forwarder on that host waits for).
    func fastPath(on role: String, within limit: Duration) async throws -> FastPathDeployment.Source {
        guard let binding = graph.bindings[role] else { throw StepError.unreachable("'\(role)'") }
        if fastPaths[binding.name] == nil {
            guard let fastpath else { throw StepError.setup("this labrunner knows no fastpath binary to copy to host \(binding.name)") }
            let host = try await host(for: role)
            let (ledger, logger, scratch) = (ledger, logger, directory)
            fastPaths[binding.name] = Task {
                let bundle = try await FastPathBundle.of(fastpath, scratch: scratch)
                return try await FastPathDeployment(
                    host: host, hostName: binding.name, workdir: binding.workdir, bundle: bundle, ledger: ledger, logger: logger
                )
                .deploy(within: limit)
            }
        }
        return try await fastPaths[binding.name]!.value
    }

    /// Keeps a migration for the report's timeline.
    func record(_ migration: MigrationRecord) {
        records.migrations.append(migration)
    }
    private var openSSHMasters: Set<String> = []
    /// SSH connections that carry QMP relays to remote hosts.
    private var relays: [LibSSH2Connection] = []
    /// VM roles whose guest's console showed a kernel panic.
    private var panicked: Set<String> = []
    /// Forwarder role → the session its prompt is on.
    private var forwarders: [String: String] = [:]
    /// Virtual lab container role → the PID commands enter it through (started on first use).
    private var containers: [String: Int32] = [:]

    init(graph: StepGraph, ledger: Ledger, directory: URL, logger: Logger, waitForLab: Duration? = nil, fastpath: String? = nil) {
        self.waitForLab = waitForLab
        self.fastpath = fastpath
        self.logger = logger
        self.graph = graph
        self.ledger = ledger
        self.directory = directory
        EnvironmentSecrets.shared.take(graph.bindings.values.compactMap(\.passwordEnv))
    }

    /// Notes that forwarder `role` runs at the prompt of session `session`.
    func forwarderStarted(_ role: String, on session: String) { forwarders[role] = session }

    /// The session whose prompt forwarder `role` answers at: where a step started it, or else the one
    /// console session of the VM it is placed in (a forwarder that arrived there by live migration).
    func forwarderSession(_ role: String) throws -> String {
        if let name = forwarders[role] { return name }
        if let vm = graph.forwarderPlacements[role] {
            let consoles = graph.sessions.filter { $0.value.role == vm && $0.value.console == "serial" }.map(\.key)
            if consoles.count == 1 { return consoles[0] }
        }
        throw StepError.setup("forwarder \(role) is not running: a step `fastpath: {start: \(role)}` must start it first")
    }

    /// Why an `always` step has nothing to act on — it stops a VM, destroys or undefines a libvirt
    /// domain, or commands a forwarder, that this run never started (a run cut short, or --only/--until)
    /// — or nil when it has something.
    func idleCleanupReason(_ step: PlannedStep) async -> String? {
        if case .vmStop(let role) = step.action, vms[role] == nil { return "vm \(role) was not started in this run" }
        if case .libvirt(let call) = step.action, ["destroy", "undefine"].contains(call.action) {
            let running = call.action == "destroy"
            if await !ledger.isPending(kind: "domain", name: StepRunner.domainEntry(call.domain, on: call.uri, running: running)) {
                return "domain \(call.domain) was not \(running ? "started" : "defined") on \(call.uri) in this run"
            }
        }
        if case .forwarderCommand(let role, _) = step.action, forwarders[role] == nil {
            if let vm = graph.forwarderPlacements[role] {
                return vms[vm]?.exited != false ? "forwarder \(role) is not running (its vm \(vm) is not running)" : nil
            }
            return "forwarder \(role) was not started in this run"
        }
        return nil
    }

    /// Why session `name` cannot answer, or nil: a guest's serial console whose VM (launched by this
    /// run) has exited, panicked, or stays paused (waiting for an incoming migration that does not come,
    /// migrated away, stopped) for `grace` — a destination that a migration just reached runs within
    /// milliseconds. Asked before anything is typed, so a step fails within seconds, not its timeout.
    func unanswerableReason(_ name: String, grace: Duration = .seconds(3)) async -> String? {
        guard let spec = graph.sessions[name], spec.console == "serial" else { return nil }
        // A VM this run did not launch itself (a libvirt domain, one started elsewhere) is not judged here.
        guard let vm = vms[spec.role] else { return nil }
        if panicked.contains(spec.role) { return "the guest of vm \(spec.role) panicked earlier in this run" }
        let query = JSONValue.object([("execute", .string("query-status"))])
        let deadline = ContinuousClock.now + grace
        while true {
            if vm.exited { return "vm \(spec.role) has exited" }
            guard let reply = try? await vm.monitor.execute(query, timeout: .seconds(5)), let status = try? StatusParser().parse(reply),
                status["running"] == "false"
            else { return nil }
            if ContinuousClock.now >= deadline { return "vm \(spec.role) is paused (\(status["status"] ?? "not running")) and stayed so for \(grace)" }
            try? await Task.sleep(for: .milliseconds(100))
        }
    }

    /// What became of the QEMU behind session `name`, a serial console of a VM this run launched; nil
    /// otherwise. A console closes as its QEMU dies, a moment before the process is reaped: a second
    /// is given for that before it is said to run on.
    func fateOfConsolesVM(_ name: String) async -> String? {
        guard let spec = graph.sessions[name], spec.console == "serial", let vm = vms[spec.role] else { return nil }
        for _ in 0..<20 where !vm.exited { try? await Task.sleep(for: .milliseconds(50)) }
        return "vm \(spec.role): \(await vm.fate)"
    }

    /// Notes that the guest on session `name`'s console panicked: its consoles will not answer again.
    func guestPanicked(on name: String) {
        if let role = graph.sessions[name]?.role { panicked.insert(role) }
    }

    /// Appends the trials of a throughput search's result (its `trial_log`) to the run's `trials.jsonl`,
    /// one JSON object a line with the step's id.
    func recordTrials(of step: String, in output: String) {
        guard let report = JSONValue.reply(in: output), let log = report["trial_log"]?.elements, !log.isEmpty else { return }
        if let record = SearchRecord(step: step, report: report) { records.searches.append(record) }
        let lines = log.map { JSONValue.object([("step", .string(step))] + $0.fields).rendered(pretty: false) + "\n" }.joined()
        let file = directory.appendingPathComponent("trials.jsonl")
        if let handle = try? FileHandle(forWritingTo: file) {
            handle.seekToEndOfFile()
            handle.write(Data(lines.utf8))
            try? handle.close()
        } else {
            try? lines.write(to: file, atomically: true, encoding: .utf8)
        }
    }

    /// Adds a step's captured values. What its captures (`names`) held before goes first, fields and
    /// all: a round whose parse found fewer fields must not be judged on the last round's.
    func store(_ values: [String: String], replacing names: [String]) {
        for name in names {
            for key in variables.keys where key == name || key.hasPrefix(name + ".") { variables[key] = nil }
        }
        variables.merge(values) { $1 }
    }

    /// The host a role or session runs on: a namespace of the virtual lab, or an SSH host of a real lab
    /// (one persistent connection each).
    func host(for name: String?) async throws -> any RemoteHost {
        guard let name else { return LocalHost(namespace: nil) }
        if let plan = graph.containers[graph.sessions[name]?.role ?? name] { return try await container(plan) }
        guard let binding = graph.bindings[name] else { throw StepError.unreachable("'\(name)'") }
        if let namespace = binding.directNamespace { return LocalHost(namespace: namespace) }
        if let open = connections[binding.name] { return try await leased(SSHHost(connection: open), binding) }
        let options = try sshOptions(binding)
        if binding.sshTransport == "openssh" {
            let host = OpenSSHHost(options: options, controlPath: directory.appendingPathComponent("ssh-\(binding.name).control").path)
            if !openSSHMasters.contains(binding.name) {
                openSSHMasters.insert(binding.name)
                await ledger.record(kind: "ssh master", name: binding.name, undo: host.stopMaster)
            }
            return try await leased(host, binding)
        }
        let connection = LibSSH2Connection(options: options, logger: logger)
        connections[binding.name] = connection
        return try await leased(SSHHost(connection: connection), binding)
    }

    /// A virtual lab container, started on first use (its volumes' sources exist by then).
    private func container(_ plan: ContainerPlan) async throws -> ContainerHost {
        if let pid = containers[plan.name] { return ContainerHost(container: plan.name, pid: pid) }
        let pid = try await ContainerJail(plan: plan, ledger: ledger).start()
        containers[plan.name] = pid
        return ContainerHost(container: plan.name, pid: pid)
    }

    /// SSH options for a lab host: its key, known_hosts, password source and jump host. The password
    /// goes to the target only, never to the jump host; a password file must be this user's and
    /// readable by no one else.
    private func sshOptions(_ binding: LabHost) throws -> SSHOptions {
        let home = FileManager.default.homeDirectoryForCurrentUser.path
        func expand(_ path: String) -> String { path.hasPrefix("~/") ? home + path.dropFirst(1) : path }
        var options = SSHOptions(
            host: binding.address, port: binding.port, user: binding.user, privateKey: expand(binding.key ?? "~/.ssh/id_ed25519"),
            knownHosts: expand(binding.knownHosts), acceptNewHostKeys: binding.acceptNewHostKeys, namespace: binding.connectFrom)
        if let variable = binding.passwordEnv {
            guard let password = EnvironmentSecrets.shared.value(of: variable) else {
                throw StepError.setup("host \(binding.name)'s password_env \(variable) is not set in labrunner's environment")
            }
            options.password = password
        } else if let file = binding.passwordFile.map(expand) {
            var st = stat()
            guard stat(file, &st) == 0 else { throw StepError.setup("host \(binding.name)'s password_file \(file): \(String(cString: strerror(errno)))") }
            guard st.st_uid == geteuid(), st.st_mode & 0o077 == 0 else {
                throw StepError.setup(
                    "host \(binding.name)'s password_file \(file) must be this user's and readable by no one else (mode \(String(st.st_mode & 0o777, radix: 8)); chmod 600 it)"
                )
            }
            do {
                options.password = try String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .newlines)
            } catch {
                throw StepError.setup("host \(binding.name)'s password_file \(file) cannot be read: \(error.localizedDescription)")
            }
        }
        if let jump = binding.jump {
            // user@host[:port], with the same key and known_hosts; the target is reached through it.
            var hop = options
            hop.password = nil
            let userAndHost = jump.split(separator: "@", maxSplits: 1).map(String.init)
            if userAndHost.count == 2 { hop.user = userAndHost[0] }
            let hostAndPort = (userAndHost.last ?? jump).split(separator: ":").map(String.init)
            hop.host = hostAndPort[0]
            hop.port = hostAndPort.count > 1 ? Int(hostAndPort[1]) ?? 22 : 22
            options.via = [hop]
            options.namespace = nil
        }
        return options
    }

    /// The session with this name, opened (and waited for) on first use. A console may show a program's
    /// prompt instead of the shell's (`awaiting`, the first step's): a migrated guest's testpmd.
    func session(_ name: String, awaiting: String? = nil) async throws -> any InteractiveSession {
        if let open = sessions[name] { return open }
        guard let spec = graph.sessions[name] else { throw StepError.unreachable("session '\(name)'") }
        let logs = directory.appendingPathComponent("sessions")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let log = logs.appendingPathComponent("\(name).log")
        let session: any InteractiveSession
        switch spec.console {
        case "serial":
            guard let socket = graph.consoles[spec.role] else { throw StepError.noDriver(action: "serial console", target: spec.role) }
            if let binding = graph.bindings[spec.role], binding.directNamespace == nil {
                // On an SSH host (the virtual lab's SSH mode): relayed over a connection of its own.
                let relay = LibSSH2Connection(options: try sshOptions(binding), logger: logger)
                relays.append(relay)
                session = ConsoleSession.attached(to: try await relay.unixSocket(socket), log: log)
            } else {
                session = try await ConsoleSession.connect(to: socket, log: log)
            }
            // The guest may have printed its prompt before anyone listened: ask for a fresh one. Booting takes a while.
            try await session.send("")
            do {
                _ = try await session.expect(awaiting.map { "(?:\(spec.prompt))|(?:\($0))" } ?? spec.prompt, timeout: .seconds(120))
            } catch SessionError.guestPanicked(let tail) {
                panicked.insert(spec.role)
                await session.close()
                throw StepError.guestPanicked(session: name, output: tail)
            }
        case "shell":
            let terminalHost = try await host(for: spec.role)
            session = try await terminalHost.openSession(log: log)
            if session.processGroup > 0 {
                // A local terminal's session: its shell and every job it started, foreground or background.
                await ledger.record(
                    kind: "session", name: "\(name) (session id \(session.processGroup))",
                    undo: ProcessStart(session.processGroup).killUndo(session: true))
            }
            _ = try await session.expect(spec.prompt, timeout: .seconds(15))
        default:
            throw StepError.noDriver(action: "\(spec.console) console session", target: spec.role)
        }
        sessions[name] = session
        return session
    }

    /// Forgets a session (closing it), e.g. after a step using it was cancelled mid-command.
    func drop(_ name: String) async {
        await sessions.removeValue(forKey: name)?.close()
    }

    /// Starts a VM role with QEMU on its host and connects to its monitor.
    func startVM(_ role: String, argv: [String]) async throws {
        guard let socket = graph.monitors[role] else { throw StepError.unreachable("the monitor of '\(role)'") }
        let binding = graph.bindings[role]
        let log = directory.appendingPathComponent("vms").appendingPathComponent("\(role).log")
        let vm: any VMProcess
        if let binding, binding.directNamespace == nil {
            // An SSH lab host: QEMU runs there, its pid file and log in the host's working directory.
            vm = try await RemoteQEMUProcess.launch(
                role: role, argv: argv, host: try await host(for: role), options: try sshOptions(binding), directory: "\(binding.workdir)/vms",
                qmpSocket: socket, localLog: log, ledger: ledger, logger: logger)
        } else {
            try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
            vm = try await QEMUProcess.launch(
                role: role, argv: argv, namespace: binding?.directNamespace, qmpSocket: socket, log: log, ledger: ledger, logger: logger)
        }
        vms[role] = vm
        monitors[role] = vm.monitor
        // A VM started again (a migration's way back) is a new guest: its consoles are reopened.
        panicked.remove(role)
        for (name, spec) in graph.sessions where spec.role == role { await drop(name) }
    }

    /// Stops a VM role labrunner started (quit through QMP, then kill).
    func stopVM(_ role: String) async throws {
        guard let vm = vms.removeValue(forKey: role) else { throw StepError.unreachable("VM '\(role)' (labrunner did not start it)") }
        monitors.removeValue(forKey: role)
        await vm.stop(timeout: .seconds(10))
    }

    /// The monitor of a VM role (or of the VM a monitor session is on), connecting on first use.
    func monitor(for name: String) async throws -> any MonitorConnection {
        let role = graph.sessions[name]?.role ?? name
        if let open = monitors[role] { return open }
        // A guest this run runs under libvirt: its monitor is libvirt's, wherever it migrated.
        if vms[role] == nil, let domain = graph.domains[role], let uri = libvirtDomains[domain] {
            return LibvirtMonitor(hypervisor: try await hypervisor(uri), domain: domain)
        }
        guard let socket = graph.monitors[role] else { throw StepError.unreachable("the monitor of '\(name)'") }
        let monitor: QMPClient
        if let binding = graph.bindings[role], binding.directNamespace == nil, QMPClient.tcpAddress(socket) == nil {
            // A unix socket on an SSH host: relayed over a connection of its own (it pumps the relay).
            let relay = LibSSH2Connection(options: try sshOptions(binding), logger: logger)
            relays.append(relay)
            monitor = try await QMPClient.connect(
                over: try await relay.unixSocket(socket), name: "\(binding.name):\(socket)", timeout: .seconds(10), logger: logger)
        } else {
            monitor = try await QMPClient.connect(to: socket, namespace: graph.bindings[role]?.directNamespace, timeout: .seconds(10), logger: logger)
        }
        monitors[role] = monitor
        return monitor
    }

    /// The URI labrunner opens for a libvirt call: on an SSH host, through the host's key, known_hosts
    /// and jump host (LibvirtSSHTransport).
    func libvirtURI(for call: LibvirtCall) throws -> String {
        guard let name = call.host, let binding = graph.bindings.values.first(where: { $0.name == name }), binding.directNamespace == nil else {
            return call.uri
        }
        if let known = libvirtTransports[call.uri] { return known }
        let uri = try LibvirtSSHTransport.uri(call.uri, host: name, options: try sshOptions(binding), directory: directory)
        libvirtTransports[call.uri] = uri
        return uri
    }

    /// The libvirt connection for a URI, opened on first use.
    /// Forgets a connection whose call never returned (its thread stays blocked in libvirt); the next
    /// call opens a new one.
    func dropHypervisor(_ uri: String) {
        hypervisors.removeValue(forKey: uri)
        logger.error("libvirt: \(uri) stopped answering; its connection is dropped")
    }

    func hypervisor(_ uri: String) async throws -> any Hypervisor {
        if let open = hypervisors[uri] { return open }
        let connection: LibvirtConnection
        do {
            connection = try await LibvirtConnection.open(uri)
        } catch {
            logger.error("libvirt: cannot open \(uri): \(error)")
            throw error
        }
        logger.info("libvirt: connected to \(uri)")
        hypervisors[uri] = connection
        return connection
    }

    /// Closes every session and monitor; VMs still running are left to the ledger.
    func closeAll() async {
        renewal?.cancel()
        for (_, held) in leases { held.taken.cancel() }  // a lease still being waited for is not taken now
        // Released through the run's own connections (a password-only host has no other way); the
        // ledger's release stays for what could not be released here.
        for (name, held) in leases where (try? await held.taken.value) != nil {
            if (try? await held.host.exec(held.lease.release, timeout: .seconds(30)))?.status == 0 {
                await ledger.resolve(kind: "lease", name: held.lease.ledgerName(host: name))
            }
        }
        leases.removeAll()
        for (_, session) in sessions { await session.close() }
        sessions.removeAll()
        for (_, monitor) in monitors { monitor.close() }
        monitors.removeAll()
        for (_, vm) in vms { await vm.stop(timeout: .seconds(3)) }
        vms.removeAll()
    }

    /// The prompt regex of a session.
    func prompt(of name: String) -> String { graph.sessions[name]?.prompt ?? Session.defaultPrompt(for: "shell") }
}
