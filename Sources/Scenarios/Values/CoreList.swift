import Foundation

/// A set of CPU cores written as DPDK's `-l` does: `0-3,6,8-9`.
public struct CoreList: Sendable, Hashable, CustomStringConvertible {
    /// The cores, ascending, without duplicates.
    public let cores: [Int]

    /// Why a core list is invalid.
    public struct ParseError: Error, CustomStringConvertible {
        /// The explanation.
        public let description: String
    }

    /// Parses a core list; ranges must ascend and cores stay below 4096.
    public init(parsing text: String) throws {
        let trimmed = text.replacingOccurrences(of: " ", with: "")
        guard !trimmed.isEmpty else { throw ParseError(description: "core list is empty") }
        var set = Set<Int>()
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: false) {
            let bounds = part.split(separator: "-", omittingEmptySubsequences: false)
            guard (1...2).contains(bounds.count), let low = Int(bounds[0]), let high = Int(bounds.last!), low >= 0 else {
                throw ParseError(description: "'\(text)' is not a core list like 0-3,6 (bad part '\(part)')")
            }
            guard low <= high else { throw ParseError(description: "core range '\(part)' runs backwards; write \(high)-\(low)") }
            guard high < 4096 else { throw ParseError(description: "core \(high) is out of range (max 4095)") }
            set.formUnion(low...high)
        }
        cores = set.sorted()
    }

    /// Builds a list from explicit cores.
    public init(_ cores: [Int]) { self.cores = Array(Set(cores)).sorted() }

    /// Compact form with ranges.
    public var description: String {
        var parts: [String] = []
        var i = 0
        while i < cores.count {
            var j = i
            while j + 1 < cores.count && cores[j + 1] == cores[j] + 1 { j += 1 }
            parts.append(i == j ? "\(cores[i])" : "\(cores[i])-\(cores[j])")
            i = j + 1
        }
        return parts.joined(separator: ",")
    }
}
