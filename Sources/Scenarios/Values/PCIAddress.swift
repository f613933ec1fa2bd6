/// A PCI address, domain:bus:device.function.
public struct PCIAddress: Sendable, Hashable, CustomStringConvertible {
    /// PCI domain (0 when omitted).
    public let domain: UInt16
    /// Bus number.
    public let bus: UInt8
    /// Device number, 0–31.
    public let device: UInt8
    /// Function number, 0–7.
    public let function: UInt8

    /// Parses `0000:09:00.0` or `09:10.0`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        let domainText = parts.count == 3 ? parts[0] : "0000"
        guard domainText.count == 4, let domain = UInt16(domainText, radix: 16) else { return nil }
        let busText = parts[parts.count - 2]
        guard busText.count == 2, let bus = UInt8(busText, radix: 16) else { return nil }
        let devFn = parts[parts.count - 1].split(separator: ".", omittingEmptySubsequences: false)
        guard devFn.count == 2, devFn[0].count == 2, let device = UInt8(devFn[0], radix: 16), device < 32,
            devFn[1].count == 1, let function = UInt8(devFn[1], radix: 8), function < 8
        else { return nil }
        self.domain = domain
        self.bus = bus
        self.device = device
        self.function = function
    }

    /// The full `dddd:bb:dd.f` form.
    public var description: String {
        "\(Self.hex(domain, 4)):\(Self.hex(bus, 2)):\(Self.hex(device, 2)).\(function)"
    }

    /// The address as libvirt's `<address type='pci' …/>` attributes.
    public var libvirtAttributes: String {
        "domain='0x\(Self.hex(domain, 4))' bus='0x\(Self.hex(bus, 2))' slot='0x\(Self.hex(device, 2))' function='0x\(function)'"
    }

    /// Zero-padded lower-case hex.
    static func hex(_ value: some BinaryInteger, _ width: Int) -> String {
        let s = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
