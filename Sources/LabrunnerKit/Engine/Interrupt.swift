import Foundation

/// SIGINT/SIGTERM/SIGHUP handling: the first signal cancels running steps (cleanup and `always` steps
/// still run); a second one cancels the cleanup's steps too (the ledger is still undone). SIGHUP is
/// a closed terminal or SSH connection: the run cleans up as for Ctrl-C.
package final class Interrupt: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var cancelHandlers: [() -> Void] = []
    private var sources: [DispatchSourceSignal] = []

    /// Installs handlers for SIGINT, SIGTERM and SIGHUP. SIGPIPE is ignored: a closed stdout (`| head`) must not
    /// kill a run before it cleans up.
    package init() {
        signal(SIGPIPE, SIG_IGN)
        for sig in [SIGINT, SIGTERM, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { [weak self] in self?.fire() }
            source.resume()
            sources.append(source)
        }
    }

    /// Whether a signal arrived.
    package var interrupted: Bool { lock.withLock { count > 0 } }

    /// How many signals arrived.
    package var signals: Int { lock.withLock { count } }

    /// Runs `handler` on the next signal.
    package func onSignal(_ handler: @escaping () -> Void) {
        lock.withLock { cancelHandlers.append(handler) }
    }

    private func fire() {
        let handlers = lock.withLock { () -> [() -> Void] in
            count += 1
            defer { cancelHandlers.removeAll() }
            return cancelHandlers
        }
        handlers.forEach { $0() }
    }
}
