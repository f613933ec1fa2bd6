import Foundation

/// One thread that runs jobs in order: every call on one libssh2 session or one libvirt connection
/// goes through it, so blocking C calls never run on Swift's cooperative pool.
final class DedicatedThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false

    init(name: String) {
        let thread = Thread { [self] in loop() }
        thread.name = name
        thread.start()
    }

    private func loop() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    /// Queues `job` without waiting for it (a job that runs for the thread's lifetime, like a tunnel's pump).
    func start(_ job: @escaping @Sendable () -> Void) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    /// Runs `job` on the worker thread and returns its result.
    func run<T: Sendable>(_ job: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            condition.lock()
            jobs.append { continuation.resume(with: Result { try job() }) }
            condition.signal()
            condition.unlock()
        }
    }
}

extension DedicatedThread {
    /// Lets the thread end once queued jobs are done.
    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }
}
