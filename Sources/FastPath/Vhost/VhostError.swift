/// Why a vhost-user peer was refused: a malformed or out-of-order message, or a ring or address that
/// does not fit the memory it was given. Each one ends the connection; FastPath keeps running.
public enum VhostError: Error, Equatable, CustomStringConvertible {
    /// The message is malformed (size, flags, payload, descriptors).
    case malformed(String)
    /// The message is valid but makes no sense now.
    case outOfOrder(String)
    /// An address or range outside the memory table.
    case badAddress(String)
    /// A system call failed.
    case system(String, Int32)

    public var description: String {
        switch self {
        case .malformed(let m): return "malformed vhost-user message: \(m)"
        case .outOfOrder(let m): return "vhost-user message out of order: \(m)"
        case .badAddress(let m): return "address outside guest memory: \(m)"
        case .system(let what, let code): return "\(what): errno \(code)"
        }
    }
}
