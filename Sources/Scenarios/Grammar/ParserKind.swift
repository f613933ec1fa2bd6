/// Typed parsers a `capture:` can apply to a step's output; each yields named fields.
/// The engine implements them; the language only needs their names and fields to check references.
public enum ParserKind: String, Sendable, CaseIterable {
    /// testpmd / FastPath `show port stats all`: fields per port, `<port>.rx_packets`.
    case portStats = "port-stats"
    /// `show port info all`: per port `<port>.mac`, `<port>.link`.
    case portInfo = "port-info"
    /// `show bonding config N`.
    case bondingConfig = "bonding-config"
    /// HMP `info status` / QMP `query-status`.
    case status
    /// HMP `info migrate` / QMP `query-migrate`.
    case migrate
    /// `tcpdump -r` output.
    case tcpdump
    /// FastPath/labrunner traffic report (sequence-numbered flows).
    case traffic
    /// The generator's throughput search result: each goal's rate and the lowest rate that failed it.
    case search

    /// Whether fields are per port (`0.rx_packets`).
    public var perPort: Bool { self == .portStats || self == .portInfo }

    /// The fields it yields.
    public var fields: [String] {
        switch self {
        case .portStats: ["rx_packets", "rx_missed", "rx_bytes", "rx_errors", "rx_nombuf", "tx_packets", "tx_errors", "tx_bytes", "rx_pps", "tx_pps"]
        case .portInfo: ["mac", "name", "link", "speed", "duplex", "promiscuous", "driver"]
        case .bondingConfig: ["mode", "balance_policy", "slaves", "slave_count", "active_slaves", "active_count", "primary", "current_primary"]
        case .status: ["status", "running", "reason"]
        case .migrate:
            [
                "status", "total_time", "downtime", "setup", "transferred_ram", "throughput", "remaining_ram", "total_ram", "duplicate", "skipped", "normal",
                "normal_bytes", "dirty_sync_count",
            ]
        case .tcpdump: ["packets", "link_type", "first_src", "first_dst", "first_proto"]
        case .traffic: ["sent", "received", "lost", "late", "gaps", "loss", "outage", "rate_pps", "duration_s", "start_ns", "end_ns"]
        case .search:
            [
                "ndr", "pdr", "ndr_upper", "pdr_upper", "ndr_verify_loss", "ndr_above_loss", "pdr_verify_loss", "pdr_above_loss", "trials", "seconds",
                "capped",
            ]
        }
    }
}
