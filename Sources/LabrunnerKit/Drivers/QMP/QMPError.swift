/// What can go wrong talking to QEMU's monitor, each naming the socket.
enum QMPError: Error, CustomStringConvertible {
    /// The socket could not be connected to in time.
    case cannotConnect(socket: String, reason: String)
    /// Connected, but no greeting came in time.
    case noGreeting(socket: String, after: Duration)
    /// QEMU answered a command with an error.
    case command(name: String, errorClass: String, description: String)
    /// The connection closed (QEMU quit or died).
    case disconnected(socket: String)
    /// QEMU took no command for this long (it stopped reading its monitor).
    case notReading(socket: String, after: Duration)
    /// No reply in time.
    case timeout(command: String, after: Duration)

    var description: String {
        switch self {
        case .cannotConnect(let socket, let reason): "cannot connect to QMP socket \(socket): \(reason)"
        case .noGreeting(let socket, let after): "QMP socket \(socket) sent no greeting within \(after)"
        case .command(let name, let errorClass, let description): "QMP \(name) failed: \(errorClass): \(description)"
        case .disconnected(let socket): "QMP socket \(socket) closed (QEMU quit or died)"
        case .notReading(let socket, let after): "QMP socket \(socket) took no command within \(after) (QEMU stopped reading its monitor)"
        case .timeout(let command, let after): "QMP \(command): no reply within \(after)"
        }
    }
}
