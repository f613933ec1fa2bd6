import Foundation
import Scenarios

/// Shell lines on a host (run, traffic, a polling wait), plain waits and file copies.
extension StepRunner {
    /// Runs `line` on the step's host and returns what it printed and its exit status.
    func shell(_ line: String) async throws -> StepOutput {
        let host = try await context.host(for: step.on)
        let result = try await host.exec(line, timeout: timeout)
        if result.timedOut { throw StepError.timedOut(after: timeout, output: result.stdout + result.stderr) }
        try Task.checkCancellation()
        return StepOutput(stdout: result.stdout, stderr: result.stderr, status: result.status)
    }

    /// Runs the traffic generator's line on the step's host (from FastPath's copy there, with `copyTo`);
    /// where FastPath came from goes before what the generator printed on stderr.
    func generate(_ line: String, copyTo: String?) async throws -> StepOutput {
        let (typed, origin) = try await fastPathLine(line, copyTo: copyTo)
        var output = try await shell(typed)
        if !origin.isEmpty { output.stderr = origin + "\n" + output.stderr }
        return output
    }

    /// Waits `seconds`.
    func sleep(_ seconds: Double) async throws -> StepOutput {
        try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
        return StepOutput(stdout: "", stderr: "", status: 0)
    }

    /// Copies a local file to the step's host: over SFTP to an SSH host, else with `install -D` there.
    func copy(_ source: String, to destination: String, mode: String?) async throws -> StepOutput {
        let host = try await context.host(for: step.on)
        if let ssh = host as? SSHHost {
            try await ssh.upload(source, to: destination, mode: mode, timeout: timeout)
            return StepOutput(stdout: "copied \(source) to \(destination)", stderr: "", status: 0)
        }
        let line = Shell.join(CopySpec.installArguments(source: source, destination: destination, mode: mode))
        let result = try await host.exec(line, timeout: timeout)
        return StepOutput(stdout: result.stdout, stderr: result.stderr, status: result.status)
    }
}
