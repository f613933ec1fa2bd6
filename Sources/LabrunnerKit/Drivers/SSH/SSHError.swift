/// What can go wrong reaching a host over SSH; every case names the host.
enum SSHError: Error, CustomStringConvertible, Equatable {
    case cannotConnect(host: String, reason: String)
    case handshake(host: String, reason: String)
    case hostKeyChanged(host: String, knownHosts: String)
    case hostKeyUnknown(host: String, knownHosts: String)
    case authentication(host: String, user: String, reason: String)
    case channel(host: String, reason: String)
    case disconnected(host: String, reason: String)
    case upload(host: String, path: String, reason: String)

    var description: String {
        switch self {
        case .cannotConnect(let host, let reason): "cannot connect to \(host): \(reason)"
        case .handshake(let host, let reason): "SSH handshake with \(host) failed: \(reason)"
        case .hostKeyChanged(let host, let file):
            "the host key of \(host) does not match \(file): someone may be intercepting, or the host was reinstalled; check it and remove the old line"
        case .hostKeyUnknown(let host, let file):
            "\(host) is not in \(file); add its key (ssh-keyscan) or set accept_new_host_keys: true in the lab file"
        case .authentication(let host, let user, let reason): "\(user)@\(host) refused the key: \(reason)"
        case .channel(let host, let reason): "SSH channel to \(host): \(reason)"
        case .disconnected(let host, let reason): "the SSH connection to \(host) dropped: \(reason)"
        case .upload(let host, let path, let reason): "upload to \(host):\(path) failed: \(reason)"
        }
    }
}
