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
        let line = "step \(step.id) \(outcome.status.rawValue)\(outcome.message.map { ": \($0)" } ?? "")"
        switch outcome.status {
        case .passed, .skipped:
            context.logger.info("\(line)", metadata: ["action": "\(step.keyword)", "seconds": "\(String(format: "%.3f", outcome.duration))"])
        default: context.logger.error("\(line)", metadata: ["action": "\(step.keyword)", "target": "\(step.target)"])
        }
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
        do {
            try await recordUndo()
        } catch {
            outcome.status = .error
            outcome.message = "its undo cannot be recorded, so it is not run: \(error)"
            return outcome
        }
        let evaluator = ExpectationEvaluator(step: step)
        var delay = step.retryDelay
        for attempt in 0...max(0, step.retries) {
            outcome.attempts = attempt + 1
            do {
                // The plan leaves captured values as ${name}; they are known only now.
                let variables = await context.variables
                let output = try await perform(step.action.resolving { variables[$0] })
                outcome.exitStatus = output.status
                outcome.outputFile = try await save(output)
                let (values, captureFailures) = evaluator.captures(from: output)
                await context.store(values, replacing: step.captures.map(\.name.value))
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
            delay = min(delay * 2, ScalarFormat.longestDuration)
        }
        if Task.isCancelled && outcome.status != .passed {
            outcome.status = .cancelled
        }
        return outcome
    }

    /// Writes the step's `undo:` to the ledger before the step runs, so that a run killed while it runs
    /// still reverts it; a session's step is undone on the session's host, as a command of its own.
    private func recordUndo() async throws {
        guard let undo = step.undo else { return }
        let variables = await context.variables
        let line = try ShellLine.substitute(undo, captures: { variables[$0] })
        let host = try await context.host(for: step.on.map { context.graph.sessions[$0]?.role ?? $0 })
        await context.ledger.record(kind: "undo", name: "\(step.id) on \(host.name)", undo: host.argv(running: line))
    }

    private var elapsed: Double {
        let d = ContinuousClock.now - clock
        return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }

    var timeout: Duration { step.timeout.map { .milliseconds(Int($0 * 1000)) } ?? defaultTimeout }

    /// Carries out the action (captured values filled in) on its target: one family per file.
    private func perform(_ action: PlannedAction) async throws -> StepOutput {
        switch action {
        case .run(let line, let session?): return try await converse(session, line, waitingFor: nil)
        case .run(let line, nil), .poll(let line): return try await shell(line)
        case .traffic(let line, let copyTo):
            let output = try await generate(line, copyTo: copyTo)
            await context.recordTraffic(of: step.id, in: output.stdout)
            return output
        case .search(let line, let copyTo):
            let output = try await generate(line, copyTo: copyTo)
            await context.recordTrials(of: step.id, in: output.stdout)
            return output
        case .send(let text, let session, let prompt):
            guard let session else { throw StepError.unreachable("a session") }
            return try await converse(session, text, waitingFor: prompt)
        case .sleep(let seconds): return try await sleep(seconds)
        case .copy(let source, let destination, let mode): return try await copy(source, to: destination, mode: mode)
        case .forwarderStart(let role, let line, let copyTo): return try await startForwarder(role, line, copyTo: copyTo)
        case .forwarderCommand(let role, let text): return try await command(forwarder: role, text)
        case .vmStart(let role, let argv, let memoryPath): return try await startVM(role, argv: argv, memoryPath: memoryPath)
        case .vmStop(let role): return try await stopVM(role)
        case .vmNIC(let role, let plug, let commands): return try await hotplug(role, commands, unplugging: !plug)
        case .qmp(let json, let migration): return try await monitor(.qmp(json), migration: migration)
        case .hmp(let line, let migration): return try await monitor(.hmp(line), migration: migration)
        case .libvirt(let call): return try await libvirt(call)
        case .block, .unbound: throw StepError.noDriver(action: step.keyword, target: step.target)
        }
    }

    /// Writes the step's output to steps/ID.log; a run directory that cannot take it (a full disk) is
    /// the step's error, said plainly.
    private func save(_ output: StepOutput) async throws -> String {
        let name = "steps/\(step.id).log"
        let file = context.directory.appendingPathComponent(name)
        var text = output.stdout
        if !output.stderr.isEmpty { text += "\n--- stderr ---\n" + output.stderr }
        if let status = output.status { text += "\n--- exit status \(status) ---\n" }
        try? FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        let bytes = Array(text.utf8)
        let fd = open(file.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        var written = 0
        while fd >= 0, written < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n <= 0 && errno != EINTR { break }
            written += max(0, n)
        }
        let reason = String(cString: strerror(errno))
        if fd >= 0 { close(fd) }
        guard fd >= 0, written == bytes.count else { throw StepError.unrecorded(path: file.path, bytes: bytes.count, reason: reason) }
        return name
    }
}
