import Scenarios

/// A command for a QEMU monitor: QMP JSON, or an HMP command line (sent through QMP).
enum MonitorCommand: Sendable {
    /// A QMP command object.
    case qmp(JSONValue)
    /// An HMP command line.
    case hmp(String)
}
