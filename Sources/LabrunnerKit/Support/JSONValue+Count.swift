import Scenarios

extension JSONValue {
    /// A count as a report holds it, whatever the number (fractional, past 2^64); nil for a negative
    /// number or none.
    var unsignedCount: UInt64? {
        guard let v = number, v >= 0 else { return nil }
        return v < 1.8e19 ? UInt64(v) : .max
    }
}
