import Foundation

/// This machine, or a network namespace on it (`ip netns exec`), as a `RemoteHost`.
struct LocalHost: RemoteHost {
    /// The namespace commands run in, if any.
    let namespace: String?

    var name: String { namespace.map { "netns \($0)" } ?? "local" }

    private func argv(_ program: [String]) -> [String] {
        Namespace.exec(namespace, program)
    }

    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult {
        try await LocalExecutor.run(argv(["sh", "-c", command]), timeout: timeout)
    }

    func argv(running line: String) -> [String] { argv(["sh", "-c", line]) }

    func openSession(log: URL) async throws -> any InteractiveSession {
        try PTYSession(argv: argv(["sh"]), log: log)
    }
}
