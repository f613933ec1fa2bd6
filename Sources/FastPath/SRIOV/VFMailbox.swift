import CFastPath
import Glibc

/// The emulated NIC's VF-to-PF mailbox. A VF driver asks its PF for what only the PF may program —
/// another address to receive (`mac_addr add port P vf V MAC`, ixgbe's kernel PF), or dropping them
/// again when the port closes. The emulated VF's only channel to the NIC is its wire, so the request
/// is one frame there: to the nearest-bridge group address (01:80:c2:00:00:0e, which no bridge
/// forwards), IEEE's local experimental EtherType 0x88B5, a magic, the operation and the address. The
/// NIC takes such frames off the VF's transmit path and never switches them.
enum VFMailbox {
    /// What a request asks.
    enum Operation: UInt8 {
        case addMAC = 1
        case removeMAC = 2
        /// Forget every address added (the port closed).
        case reset = 3
    }

    static let etherType: UInt16 = 0x88B5
    static let magic: [UInt8] = Array("LRVFMBX1".utf8)
    static let destination: [UInt8] = [0x01, 0x80, 0xC2, 0x00, 0x00, 0x0E]
    static let length = 14 + 8 + 1 + 6

    /// The request frame, from `source`.
    static func frame(_ operation: Operation, mac: EtherAddress, source: EtherAddress) -> [UInt8] {
        let m = withUnsafeBytes(of: mac.bytes) { Array($0) }
        let s = withUnsafeBytes(of: source.bytes) { Array($0) }
        var f = destination + s + [UInt8(etherType >> 8), UInt8(etherType & 0xFF)] + magic + [operation.rawValue] + m
        while f.count < 60 { f.append(0) }
        return f
    }

    /// A request in a frame a VF sent, or nil when it is an ordinary frame (or malformed).
    static func request(_ frame: UnsafeRawPointer, length: Int) -> (Operation, EtherAddress)? {
        guard length >= Self.length, frame.load(fromByteOffset: 12, as: UInt8.self) == 0x88, frame.load(fromByteOffset: 13, as: UInt8.self) == 0xB5 else {
            return nil
        }
        for (i, b) in magic.enumerated() where frame.load(fromByteOffset: 14 + i, as: UInt8.self) != b { return nil }
        guard let operation = Operation(rawValue: frame.load(fromByteOffset: 22, as: UInt8.self)) else { return nil }
        return (operation, EtherAddress(at: frame + 23))
    }

    /// Sends a request out of kernel interface `interface` (a socket of its own, beside any port's rings).
    static func send(_ operation: Operation, mac: EtherAddress, source: EtherAddress, on interface: String) throws(FastPathError) {
        let fd = cfp_raw_open(interface)
        guard fd >= 0 else { throw .system("VF mailbox on \(interface)", -fd) }
        defer { Glibc.close(fd) }
        let bytes = frame(operation, mac: mac, source: source)
        guard Glibc.send(fd, bytes, bytes.count, 0) == bytes.count else { throw .system("VF mailbox on \(interface)", errno) }
    }
}
