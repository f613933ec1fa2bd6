import Foundation

/// Set by a task's cancellation handler, read by the thread a blocking command runs on (which polls it
/// between reads, as it does its deadline).
final class CancelFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var set_ = false

    func set() { lock.withLock { set_ = true } }
    var isSet: Bool { lock.withLock { set_ } }
}
