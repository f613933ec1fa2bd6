import Foundation
import Synchronization

/// Watches link state every 50 ms and moves each bond to a slave with link (mode 1 failover when the
/// active slave loses carrier).
final class LinkMonitor: @unchecked Sendable {
    private let forwarder: Forwarder
    private let stopped = Atomic<Bool>(false)

    init(forwarder: Forwarder) { self.forwarder = forwarder }

    func start() {
        Thread.detachNewThread { [self] in
            while true {
                if stopped.load(ordering: .acquiring) { return }
                forwarder.locked { _ = forwarder.monitorLinks() }
                usleep(50_000)
            }
        }
    }

    func stop() {
        stopped.store(true, ordering: .releasing)
    }
}
