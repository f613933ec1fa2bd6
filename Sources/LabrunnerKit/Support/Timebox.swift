import Foundation

/// Runs an operation that may never return (a libvirt call blocked in C on a daemon that stopped
/// answering) against a deadline: the caller gets the result or a timeout, whichever comes first. An
/// operation that cannot be cancelled is left behind, suspended, never waited for (withDeadline, for
/// operations a timeout can end, waits for them).
enum Timebox {
    struct Expired: Error {}

    static func run<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
        let once = Once<T>()
        return try await withCheckedThrowingContinuation { continuation in
            once.continuation = continuation
            Task {
                do { once.resume(.success(try await operation())) } catch { once.resume(.failure(error)) }
            }
            Task {
                try? await Task.sleep(for: limit)
                once.resume(.failure(Expired()))
            }
        }
    }

    /// Resumes a continuation exactly once.
    private final class Once<T: Sendable>: @unchecked Sendable {
        private let lock = NSLock()
        var continuation: CheckedContinuation<T, Error>?

        func resume(_ result: Result<T, Error>) {
            let taken = lock.withLock { () -> CheckedContinuation<T, Error>? in
                defer { continuation = nil }
                return continuation
            }
            taken?.resume(with: result)
        }
    }
}
