/// Runs `operation`, or throws `error` after `timeout`. `onTimeout` must make the operation finish
/// (resume its continuation with an error): a task group waits for all its tasks.
func withDeadline<T: Sendable>(
    _ timeout: Duration, error: Error, _ operation: @escaping @Sendable () async throws -> T,
    onTimeout: @escaping @Sendable () -> Void
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw error }
        guard let value = first else {
            onTimeout()
            throw error
        }
        return value
    }
}
