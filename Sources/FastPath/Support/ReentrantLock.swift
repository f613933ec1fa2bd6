import Glibc
import Synchronization

/// The forwarder's control-plane lock: Synchronization's Mutex, re-entrant for the thread that holds
/// it (a command may run another that takes the lock), with the owner kept in an Atomic.
final class ReentrantLock: Sendable {
    private let mutex = Mutex(())
    private let owner = Atomic<UInt>(0)

    /// Runs `body` holding the lock; runs it directly when this thread holds it already.
    func withLock<T, E: Error>(_ body: () throws(E) -> T) throws(E) -> T {
        let me = UInt(pthread_self())  // pthread_t is an unsigned long on Linux
        if owner.load(ordering: .relaxed) == me { return try body() }
        return try mutex.withLock { _ throws(E) -> T in
            owner.store(me, ordering: .relaxed)
            defer { owner.store(0, ordering: .relaxed) }
            return try body()
        }
    }
}
