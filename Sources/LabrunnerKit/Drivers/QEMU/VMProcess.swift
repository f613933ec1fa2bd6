/// A QEMU labrunner started for a VM role, on its own machine's namespace host (`QEMUProcess`) or on an
/// SSH lab host (`RemoteQEMUProcess`): its monitor, whether it still runs, and how to stop it.
protocol VMProcess: Sendable {
    var role: String { get }
    var monitor: QMPClient { get }
    /// Whether QEMU has exited.
    var exited: Bool { get }
    /// How it is doing, for a console that closed: still running, or its exit status and the end of its log.
    var fate: String { get async }
    /// Asks QEMU to quit, waits for it up to `timeout`, and kills it if it lingers.
    func stop(timeout: Duration) async
}
