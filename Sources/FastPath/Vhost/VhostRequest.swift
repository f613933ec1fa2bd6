/// vhost-user front-end requests (QEMU's docs/interop/vhost-user.rst), the ones FastPath handles or
/// sends; anything else is answered as unsupported.
public enum VhostRequest: UInt32, Sendable {
    case getFeatures = 1
    case setFeatures = 2
    case setOwner = 3
    case resetOwner = 4
    case setMemTable = 5
    case setLogBase = 6
    case setLogFD = 7
    case setVringNum = 8
    case setVringAddr = 9
    case setVringBase = 10
    case getVringBase = 11
    case setVringKick = 12
    case setVringCall = 13
    case setVringErr = 14
    case getProtocolFeatures = 15
    case setProtocolFeatures = 16
    case getQueueNum = 17
    case setVringEnable = 18
    case sendRARP = 19
    case netSetMTU = 20
    case getMaxMemSlots = 36
}
