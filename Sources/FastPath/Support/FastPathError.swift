import Glibc

/// Everything that goes wrong in FastPath, as data: the CLI and the prompt render it.
public enum FastPathError: Error, Equatable, CustomStringConvertible {
    /// Bad user input (an option, a device argument, a command).
    case invalid(String)
    /// A system call failed: what was attempted and errno.
    case system(String, Int32)
    /// A port or device that does not exist.
    case noSuchPort(Int)
    /// The command needs forwarding stopped (testpmd's rule for port configuration).
    case forwardingActive

    /// The message shown to users.
    public var description: String {
        switch self {
        case .invalid(let message): return message
        case .system(let what, let code): return "\(what): \(String(cString: strerror(code)))"
        case .noSuchPort(let id): return "Invalid port \(id)"
        case .forwardingActive: return "Please stop forwarding first"
        }
    }
}
