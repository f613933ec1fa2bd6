/// A unit labrunner understands in expectations, params and captures.
public enum Unit: String, Sendable, CaseIterable {
    /// No unit.
    case none = ""
    case ns, us, ms, s, min, h
    case B, kB, KiB, MB, MiB, GB, GiB, kbytes, mbytes
    case pps, kpps, Mpps, Gpps
    case bps, kbps, Mbps, Gbps, mbps
    case percent = "%"
    case packets, pages

    /// Every symbol, for messages.
    public static var allSymbols: [String] { allCases.filter { $0 != .none }.map(\.rawValue) }

    /// What this unit measures.
    public var dimension: Dimension {
        switch self {
        case .none, .packets, .pages: .count
        case .ns, .us, .ms, .s, .min, .h: .time
        case .B, .kB, .KiB, .MB, .MiB, .GB, .GiB, .kbytes, .mbytes: .bytes
        case .pps, .kpps, .Mpps, .Gpps: .packetRate
        case .bps, .kbps, .Mbps, .Gbps, .mbps: .bitRate
        case .percent: .percent
        }
    }

    /// Multiplier to the dimension's base unit (seconds, bytes, pps, bps, percent, count).
    public var scale: Double {
        switch self {
        case .none, .packets, .pages, .s, .B, .pps, .bps, .percent: 1
        case .ns: 1e-9
        case .us: 1e-6
        case .ms: 1e-3
        case .min: 60
        case .h: 3600
        case .kB: 1e3
        case .KiB, .kbytes: 1024
        case .MB: 1e6
        case .MiB, .mbytes: 1_048_576
        case .GB: 1e9
        case .GiB: 1_073_741_824
        case .kpps, .kbps: 1e3
        case .Mpps, .Mbps, .mbps: 1e6
        case .Gpps, .Gbps: 1e9
        }
    }

    /// Parses a unit symbol, accepting common spellings (`milliseconds`, `sec`).
    public init?(symbol: String) {
        let aliases: [String: Unit] = [
            "milliseconds": .ms, "millisecond": .ms, "msec": .ms, "sec": .s, "seconds": .s, "second": .s,
            "minutes": .min, "m": .min, "hours": .h, "bytes": .B, "KB": .kB, "k": .kB, "M": .MiB, "G": .GiB,
            "Kpps": .kpps, "mpps": .Mpps, "pkts": .packets,
        ]
        if let unit = Unit(rawValue: symbol) ?? aliases[symbol] { self = unit } else { return nil }
    }
}
