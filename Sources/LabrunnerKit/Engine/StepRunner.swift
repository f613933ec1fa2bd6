import Foundation
import Scenarios

/// Runs one planned step: substitutes captured values, performs the action on its host or session,
/// applies captures and expectations, retries with backoff when the scenario asks.
struct StepRunner {
    let step: PlannedStep
    let context: RunContext
    let defaultTimeout: Duration
    let clock: ContinuousClock.Instant

    func run() async -> StepOutcome {
        var outcome = await attempts(StepOutcome(id: step.id, status: .passed, started: elapsed))
        outcome.ended = elapsed
        return outcome
    }

    private func attempts(_ start: StepOutcome) async -> StepOutcome {
        var outcome = start
        if let skip = step.skip {
            outcome.status = .skipped
            outcome.message = skip
            return outcome
        }
        if step.always, let idle = await context.idleCleanupReason(step) {
            outcome.status = .skipped
            outcome.message = idle
            return outcome
        }
        let evaluator = ExpectationEvaluator(step: step)
        var delay = step.retryDelay
        for attempt in 0...max(0, step.retries) {
            outcome.attempts = attempt + 1
            do {
                // The plan leaves captured values as ${name}; they are known only now.
                let variables = await context.variables
                let output = try await perform(References.substitute(step.command) { variables[$0] })
                outcome.exitStatus = output.status
                outcome.outputFile = try await save(output)
                let (values, captureFailures) = evaluator.captures(from: output)
                await context.store(values)
                outcome.captures = values
                outcome.failures = captureFailures + evaluator.failures(output, variables: await context.variables)
                outcome.status = outcome.failures.isEmpty ? .passed : .failed
                outcome.message = outcome.failures.first?.message
            } catch is CancellationError {
                outcome.status = .cancelled
                outcome.message = "cancelled"
                return outcome
            } catch let error as StepError {
                outcome.status = .error
                outcome.message = error.description
                if case .noDriver = error { return outcome }
            } catch {
                outcome.status = .error
                outcome.message = "\(error)"
            }
            if outcome.status == .passed || Task.isCancelled || attempt == step.retries { break }
            try? await Task.sleep(for: .milliseconds(Int(delay * 1000)))
            delay *= 2
        }
        if Task.isCancelled && outcome.status != .passed {
            outcome.status = .cancelled
        }
        return outcome
    }

    private var elapsed: Double {
        let d = ContinuousClock.now - clock
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    private var timeout: Duration { step.timeout.map { .milliseconds(Int($0 * 1000)) } ?? defaultTimeout }

    private func perform(_ command: String) async throws -> StepOutput {
        let isSession = step.on.map { name in context.graph.sessions[name] != nil } ?? false
        switch step.action {
        case "run" where isSession, "send":
            guard let name = step.on else { throw StepError.unreachable("a session") }
            return try await converse(name, command, waitingFor: step.prompt)
        case "fastpath":
            guard let forwarder = step.forwarder else { throw StepError.noDriver(action: "fastpath", target: step.target) }
            if forwarder.start {
                guard let name = step.on, isSession else {
                    throw StepError.setup("start forwarder \(forwarder.role) on a session (on: <session>), where its prompt can answer")
                }
                var output = try await converse(name, command, waitingFor: step.prompt ?? Self.forwarderPrompt)
                await context.forwarderStarted(forwarder.role, on: name)
                output.stdout += output.prompt  // what the terminal shows: the start-up lines, then the prompt
                return output
            }
            let name = try await context.forwarderSession(forwarder.role)
            // quit returns to the shell; every other command to the forwarder's prompt.
            let quits = ["quit", "exit"].contains(command.trimmingCharacters(in: .whitespaces))
            return try await converse(name, command, waitingFor: quits ? nil : Self.forwarderPrompt)
        case "copy" where step.transfer != nil:
            let host = try await context.host(for: step.on)
            if let ssh = host as? SSHHost, let transfer = step.transfer {
                try await ssh.upload(transfer.src, to: transfer.dest, mode: transfer.mode)
                return StepOutput(stdout: "copied \(transfer.src) to \(transfer.dest)", stderr: "", status: 0)
            }
            let result = try await host.exec(command, timeout: timeout)
            return StepOutput(stdout: result.stdout, stderr: result.stderr, status: result.status)
        case "run", "copy", "traffic":
            let host = try await context.host(for: step.on)
            let result = try await host.exec(command, timeout: timeout)
            if result.timedOut { throw StepError.timedOut(after: timeout, output: result.stdout + result.stderr) }
            try Task.checkCancellation()
            return StepOutput(stdout: result.stdout, stderr: result.stderr, status: result.status)
        case "wait":
            if step.command.hasPrefix("sleep ") {
                let seconds = Double(step.command.dropFirst("sleep ".count)) ?? 0
                try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                return StepOutput(stdout: "", stderr: "", status: 0)
            }
            let host = try await context.host(for: step.on)
            let result = try await host.exec(command, timeout: timeout)
            return StepOutput(stdout: result.stdout, stderr: result.stderr, status: result.status)
        case "vm":
            guard let (role, verb) = step.vm else { throw StepError.noDriver(action: "vm", target: step.target) }
            switch verb {
            case "start":
                try await context.startVM(role, argv: step.argv ?? [])
                return StepOutput(stdout: "started \(role)", stderr: "", status: nil)
            case "stop":
                try await context.stopVM(role)
                return StepOutput(stdout: "stopped \(role)", stderr: "", status: nil)
            default:
                let monitor = try await context.monitor(for: role)
                var replies: [String] = []
                for line in command.split(separator: "\n") {
                    replies.append(try await monitor.execute(JSONFields.value(String(line)), timeout: timeout))
                }
                return StepOutput(stdout: replies.joined(separator: "\n"), stderr: "", status: nil)
            }
        case "libvirt":
            guard let call = step.libvirt else { throw StepError.noDriver(action: "libvirt", target: step.target) }
            let hypervisor = try await context.hypervisor(call.uri)
            let undo = ["virsh", "-c", call.uri]
            switch call.action {
            case "define":
                let name = try await hypervisor.define(xml: command)
                await context.ledger.record(kind: "domain", name: "\(name) on \(call.uri)", undo: undo + ["undefine", name])
                return StepOutput(stdout: "defined \(name)", stderr: "", status: 0)
            case "start", "create":
                try await hypervisor.start(call.domain)
                await context.ledger.record(kind: "domain", name: "\(call.domain) running on \(call.uri)", undo: undo + ["destroy", call.domain])
                return StepOutput(stdout: "started \(call.domain): \(try await hypervisor.state(call.domain))", stderr: "", status: 0)
            case "destroy":
                try await hypervisor.destroy(call.domain)
                await context.ledger.resolve(kind: "domain", name: "\(call.domain) running on \(call.uri)")
                return StepOutput(stdout: "destroyed \(call.domain)", stderr: "", status: 0)
            case "undefine":
                try await hypervisor.undefine(call.domain)
                await context.ledger.resolve(kind: "domain", name: "\(call.domain) on \(call.uri)")
                return StepOutput(stdout: "undefined \(call.domain)", stderr: "", status: 0)
            case "monitor":
                // A JSON object is QMP; anything else is an HMP command line.
                let text = call.argument ?? ""
                return StepOutput(stdout: try await hypervisor.monitor(call.domain, command: text, hmp: !text.hasPrefix("{")), stderr: "", status: 0)
            case "migrate":
                guard let dest = call.argument else { throw StepError.unreachable("a migration destination") }
                let job = try await hypervisor.migrate(call.domain, to: dest, via: call.migrationURI, live: !command.contains("offline"))
                // The domain now runs at the destination: that is where the ledger stops it.
                await context.ledger.resolve(kind: "domain", name: "\(call.domain) running on \(call.uri)")
                await context.ledger.record(kind: "domain", name: "\(call.domain) running on \(dest)", undo: ["virsh", "-c", dest, "destroy", call.domain])
                return StepOutput(stdout: job, stderr: "", status: 0)
            case "dumpxml":
                return StepOutput(stdout: try await hypervisor.xml(call.domain), stderr: "", status: 0)
            default:
                return StepOutput(stdout: try await hypervisor.state(call.domain), stderr: "", status: 0)
            }
        case "qmp", "hmp":
            guard let name = step.on else { throw StepError.unreachable("a VM") }
            let monitor = try await context.monitor(for: name)
            if MigrationHelper.isMigration(action: step.action, command: command) {
                let reply = try await MigrationHelper(monitor: monitor).migrate(action: step.action, command: command, timeout: timeout)
                return StepOutput(stdout: reply, stderr: "", status: nil)
            }
            let output = step.action == "hmp" ? try await monitor.hmp(command, timeout: timeout)
                                              : try await monitor.execute(JSONFields.value(command), timeout: timeout)
            return StepOutput(stdout: output, stderr: "", status: nil)
        default:
            throw StepError.noDriver(action: step.action, target: step.target)
        }
    }

    /// What testpmd and FastPath print when they wait for a command (or, without -i, for enter).
    static let forwarderPrompt = "testpmd> $|Press enter to exit\\s*$"

    /// Sends `text` to a session and waits for `wanted` (else the session's own prompt). Waiting for a
    /// program's prompt, the shell's prompt instead means the program ended.
    private func converse(_ name: String, _ text: String, waitingFor wanted: String?) async throws -> StepOutput {
        let session = try await context.session(name, awaiting: wanted)
        let sessionPrompt = await context.prompt(of: name)
        // The shell's prompt counts only at the start of a line (`^` matches at every line start here):
        // `# ` also ends a read that stopped in the middle of testpmd's "######## NIC statistics" banner.
        let waitFor = wanted.map { "(?<wanted>\($0))|(?<shell>^(?:\(sessionPrompt)))" } ?? sessionPrompt
        return try await withTaskCancellationHandler {
            try await session.send(text)
            do {
                let reply = try await session.expect(waitFor, timeout: timeout)
                if let wanted, reply.matchedGroup == "shell" {
                    throw StepError.programEnded(waitingFor: wanted, output: reply.text)
                }
                var output = StepOutput(stdout: reply.text, stderr: "", status: nil)
                output.prompt = reply.matched
                return output
            } catch SessionError.timeout(_, let after, let tail) {
                await context.drop(name)
                throw StepError.timedOut(after: after, output: tail)
            }
        } onCancel: {
            Task { await context.drop(name) }
        }
    }

    private func save(_ output: StepOutput) async throws -> String {
        let directory = context.directory.appendingPathComponent("steps")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = "steps/\(step.id).log"
        var text = output.stdout
        if !output.stderr.isEmpty { text += "\n--- stderr ---\n" + output.stderr }
        if let status = output.status { text += "\n--- exit status \(status) ---\n" }
        try text.write(to: context.directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        return name
    }
}
