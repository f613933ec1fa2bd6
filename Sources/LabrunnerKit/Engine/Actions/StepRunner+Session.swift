import Foundation
import Scenarios

/// Interactive sessions: text typed at a prompt, and the forwarders (testpmd, FastPath) started and
/// commanded in them.
extension StepRunner {
    /// Types the forwarder's command line into the step's session and waits for its prompt. A line that
    /// runs labrunner's FastPath on an SSH lab host (`copyTo`) runs the copy put there, unless the host's
    /// own labrunner is this version; where it came from is the step's stderr.
    func startForwarder(_ role: String, _ line: String, copyTo: String?) async throws -> StepOutput {
        guard let name = step.on, context.graph.sessions[name] != nil else {
            throw StepError.setup("start forwarder \(role) on a session (on: <session>), where its prompt can answer")
        }
        let (typed, origin) = try await fastPathLine(line, copyTo: copyTo)
        var output = try await converse(name, typed, waitingFor: Self.forwarderPrompt)
        await context.forwarderStarted(role, on: name)
        output.stdout += output.prompt  // what the terminal shows: the start-up lines, then the prompt
        output.stderr = origin
        return output
    }

    /// A planned `labrunner fastpath|traffic …` line as it runs on its host: from the FastPath put on
    /// the SSH host of role `copyTo` (whose wrapper takes the same words), unless the host's own
    /// labrunner is this version; and where FastPath came from, for the step's stderr.
    func fastPathLine(_ line: String, copyTo: String?) async throws -> (line: String, origin: String) {
        guard let copyTo else { return (line, "") }
        let source = try await context.fastPath(on: copyTo, within: timeout)
        let origin = "FastPath: " + (source.directory.map { "\(source == .copied($0) ? "copied to" : "found in") \($0)" } ?? "the host's own labrunner")
        return (source.directory.map { Shell.quote($0) + "/" + line } ?? line, origin)
    }

    /// Sends a runtime command to a running forwarder; quit returns to the shell, every other command
    /// to the forwarder's prompt.
    func command(forwarder role: String, _ text: String) async throws -> StepOutput {
        let name = try await context.forwarderSession(role)
        let quits = ["quit", "exit"].contains(text.trimmingCharacters(in: .whitespaces))
        return try await converse(name, text, waitingFor: quits ? nil : Self.forwarderPrompt, failingAt: quits ? "testpmd> $" : nil)
    }

    /// What testpmd and FastPath print when they wait for a command (or, without -i, for enter).
    static let forwarderPrompt = "testpmd> $|Press enter to exit\\s*$"

    /// Sends `text` to a session and waits for `wanted` (else the session's own prompt). Waiting for a
    /// program's prompt, the shell's prompt instead means the program ended. Waiting for the shell's
    /// prompt, `stillRunning` (the program's own prompt coming back) means the program did not end.
    /// One conversation at a time per session: a step waits for its turn.
    func converse(_ name: String, _ text: String, waitingFor wanted: String?, failingAt stillRunning: String? = nil) async throws -> StepOutput {
        try await context.turns.withTurn(name) { try await conversation(name, text, waitingFor: wanted, failingAt: stillRunning) }
    }

    private func conversation(_ name: String, _ text: String, waitingFor wanted: String?, failingAt stillRunning: String?) async throws -> StepOutput {
        if let reason = await context.unanswerableReason(name) { throw StepError.unanswerable(session: name, reason: reason) }
        // A console opened to quit a program in it is ready at the program's prompt too.
        let session = try await context.session(name, awaiting: wanted ?? stillRunning)
        let sessionPrompt = await context.prompt(of: name)
        // The shell's prompt counts only at the start of a line (`^` matches at every line start here):
        // `# ` also ends a read that stopped in the middle of testpmd's "######## NIC statistics" banner.
        let waitFor =
            wanted.map { "(?<wanted>\($0))|(?<shell>^(?:\(sessionPrompt)))" }
            ?? stillRunning.map { "(?<shell>^(?:\(sessionPrompt)))|(?<still>\($0))" } ?? sessionPrompt

        return try await withTaskCancellationHandler {
            try await session.send(text)
            do {
                let reply = try await session.expect(waitFor, timeout: timeout)
                if let wanted, reply.matchedGroup == "shell" {
                    throw StepError.programEnded(waitingFor: wanted, output: reply.text)
                }
                if stillRunning != nil, reply.matchedGroup == "still" {
                    throw StepError.programDidNotEnd(command: text, output: reply.text)
                }
                var output = StepOutput(stdout: reply.text, stderr: "", status: nil)
                output.prompt = reply.matched
                return output
            } catch SessionError.guestPanicked(let tail) {
                await context.guestPanicked(on: name)
                await context.drop(name)
                throw StepError.guestPanicked(session: name, output: tail)
            } catch SessionError.timeout(_, let after, let tail) {
                await context.drop(name)
                throw StepError.timedOut(after: after, output: tail)
            } catch SessionError.closed(let tail) {
                await context.drop(name)
                // A guest's console that closes: say whether its QEMU ended, and how.
                guard let fate = await context.fateOfConsolesVM(name) else { throw SessionError.closed(tail: tail) }
                throw StepError.consoleClosed(session: name, fate: fate, output: tail)
            }
        } onCancel: {
            Task { await context.drop(name) }
        }
    }

}
