/// The DPDK release a lab host has (17.08, 22.11.4): which EAL options its testpmd takes.
public struct DPDKVersion: Sendable, Comparable, CustomStringConvertible {
    public let major: Int, minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    /// `YY.MM` or `YY.MM.patch`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) && $0.count <= 4 }),
            let major = Int(parts[0]), let minor = Int(parts[1]), (1...12).contains(minor)
        else { return nil }
        self.init(major, minor)
    }

    public var description: String { String(format: "%d.%02d", major, minor) }

    public static func < (a: DPDKVersion, b: DPDKVersion) -> Bool { (a.major, a.minor) < (b.major, b.minor) }

    /// 20.11 renamed the PCI allow list's option from `-w` to `-a`.
    public var allowOption: String { self < DPDKVersion(20, 11) ? "-w" : "-a" }

    /// A `--vdev` argument as this release names its driver: 16.11 renamed the virtual devices' drivers
    /// from `eth_` to `net_` (eth_pcap to net_pcap), so a line for an older release takes the old name.
    public func vdev(_ argument: String) -> String {
        guard self < DPDKVersion(16, 11), argument.hasPrefix("net_") else { return argument }
        return "eth_" + argument.dropFirst(4)
    }

    /// EAL options that exist only from a release on, or were replaced in one: what a line written
    /// for another release may carry.
    static let options: [(option: String, since: DPDKVersion?, until: DPDKVersion?)] = [
        ("-a", DPDKVersion(20, 11), nil), ("--allow", DPDKVersion(20, 11), nil),
        ("--block", DPDKVersion(20, 11), nil), ("-w", nil, DPDKVersion(20, 11)), ("--pci-whitelist", nil, DPDKVersion(20, 11)),
        ("--pci-blacklist", nil, DPDKVersion(20, 11)), ("--in-memory", DPDKVersion(18, 5), nil), ("--iova-mode", DPDKVersion(17, 11), nil),
        ("--force-max-simd-bitwidth", DPDKVersion(20, 11), nil), ("--vfio-vf-token", DPDKVersion(20, 8), nil),
        ("--no-telemetry", DPDKVersion(20, 5), nil), ("--huge-worker-stack", DPDKVersion(22, 11), nil),
    ]

    /// Why `option` does not fit this release, or nil when it does.
    func lacks(_ option: String) -> String? {
        guard let entry = Self.options.first(where: { $0.option == option }) else { return nil }
        if let since = entry.since, self < since { return "\(option) arrived in DPDK \(since)" }
        if let until = entry.until, !(self < until) { return "\(option) was replaced in DPDK \(until) (-a, --allow, --block)" }
        return nil
    }
}
