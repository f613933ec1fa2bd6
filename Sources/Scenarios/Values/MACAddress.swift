/// An Ethernet MAC address.
public struct MACAddress: Sendable, Hashable, CustomStringConvertible {
    /// The six bytes.
    public let bytes: [UInt8]

    /// Parses `aa:bb:cc:dd:ee:ff` (case-insensitive).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for part in parts {
            guard part.count == 2, let b = UInt8(part, radix: 16) else { return nil }
            bytes.append(b)
        }
        self.bytes = bytes
    }

    /// Lower-case colon form.
    public var description: String {
        bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined(separator: ":")
    }
}
