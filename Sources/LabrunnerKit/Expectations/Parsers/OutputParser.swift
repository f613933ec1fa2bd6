import Foundation
import Scenarios

/// Turns a step's output into named fields (`0.rx_packets`, `downtime`) for captures and checks.
/// Numbers with units keep them (`18ms`, `389137kbytes`) so comparisons convert correctly.
protocol OutputParser {
    /// Fields found; throws when the output is not what this parser reads.
    func parse(_ output: String) throws -> [String: String]
}

/// The output does not look like what the parser reads.
struct ParseError: Error, CustomStringConvertible {
    let description: String
}

extension ParserKind {
    /// The parser that implements this kind.
    var parser: any OutputParser {
        switch self {
        case .portStats: PortStatsParser()
        case .portInfo: PortInfoParser()
        case .bondingConfig: BondingConfigParser()
        case .status: StatusParser()
        case .migrate: MigrateParser()
        case .tcpdump: TcpdumpParser()
        case .traffic: TrafficReportParser()
        case .search: SearchResultParser()
        }
    }
}
