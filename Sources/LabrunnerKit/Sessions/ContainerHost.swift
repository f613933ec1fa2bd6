import Foundation

/// A virtual lab container as a `RemoteHost`: commands and sessions enter its namespaces (nsenter),
/// as `docker exec` enters a running container.
struct ContainerHost: RemoteHost {
    /// The container role.
    let container: String
    /// The PID of its first process.
    let pid: Int32

    var name: String { "container \(container)" }

    private func argv(_ program: [String]) -> [String] {
        ["nsenter", "-t", "\(pid)", "--mount", "--uts", "--ipc", "--pid", "--net", "--"] + program
    }

    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult {
        try await LocalExecutor.run(argv(["sh", "-c", command]), timeout: timeout)
    }

    func argv(running line: String) -> [String] { argv(["sh", "-c", line]) }

    func openSession(log: URL) async throws -> any InteractiveSession {
        try PTYSession(argv: argv(["sh"]), log: log)
    }
}
