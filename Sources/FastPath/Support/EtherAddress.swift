/// An Ethernet address, printed the way testpmd prints it (upper-case, colon-separated).
public struct EtherAddress: Hashable, Sendable, CustomStringConvertible {
    /// The six bytes in wire order.
    public var bytes: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)

    /// Creates an address from six bytes.
    public init(_ b0: UInt8, _ b1: UInt8, _ b2: UInt8, _ b3: UInt8, _ b4: UInt8, _ b5: UInt8) {
        bytes = (b0, b1, b2, b3, b4, b5)
    }

    /// Parses `aa:bb:cc:dd:ee:ff` (either case); nil when malformed.
    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 6 else { return nil }
        var v = [UInt8]()
        for p in parts {
            guard p.count == 2, let b = UInt8(p, radix: 16) else { return nil }
            v.append(b)
        }
        self.init(v[0], v[1], v[2], v[3], v[4], v[5])
    }

    /// Reads six bytes at `pointer`.
    public init(at pointer: UnsafeRawPointer) {
        self.init(
            pointer.load(as: UInt8.self), pointer.load(fromByteOffset: 1, as: UInt8.self),
            pointer.load(fromByteOffset: 2, as: UInt8.self), pointer.load(fromByteOffset: 3, as: UInt8.self),
            pointer.load(fromByteOffset: 4, as: UInt8.self), pointer.load(fromByteOffset: 5, as: UInt8.self))
    }

    /// testpmd's default peer address for port `port` (02:00:00:00:00:port).
    public static func defaultPeer(_ port: Int) -> EtherAddress { EtherAddress(2, 0, 0, 0, 0, UInt8(truncatingIfNeeded: port)) }

    /// A random locally administered unicast address.
    public static func random() -> EtherAddress {
        var g = SystemRandomNumberGenerator()
        return EtherAddress(
            UInt8.random(in: 0...255, using: &g) & 0xFE | 0x02, .random(in: 0...255, using: &g),
            .random(in: 0...255, using: &g), .random(in: 0...255, using: &g),
            .random(in: 0...255, using: &g), .random(in: 0...255, using: &g))
    }

    /// The address as two words (bytes 0–3 and 4–5, native order) for header writes in the hot loop.
    @inline(__always) public var words: (UInt32, UInt16) {
        withUnsafeBytes(of: bytes) { ($0.loadUnaligned(as: UInt32.self), $0.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) }
    }

    /// Writes the six bytes at `pointer`.
    @inline(__always) public func store(to pointer: UnsafeMutableRawPointer) {
        let w = words
        pointer.storeBytes(of: w.0, as: UInt32.self)
        pointer.storeBytes(of: w.1, toByteOffset: 4, as: UInt16.self)
    }

    /// Upper-case colon form, as testpmd prints it.
    public var description: String {
        let b = [bytes.0, bytes.1, bytes.2, bytes.3, bytes.4, bytes.5]
        return b.map { ($0 < 16 ? "0" : "") + String($0, radix: 16, uppercase: true) }.joined(separator: ":")
    }

    public static func == (a: EtherAddress, b: EtherAddress) -> Bool { a.words == b.words }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(words.0)
        hasher.combine(words.1)
    }
}
