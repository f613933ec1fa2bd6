import Foundation

/// A number with a unit: `18ms`, `14.88Mpps`, `0.5%`, `1536MiB`.
public struct Quantity: Sendable, Hashable, CustomStringConvertible {
    /// The number as written.
    public let value: Double
    /// The unit as written.
    public let unit: Unit

    /// Creates a quantity.
    public init(_ value: Double, _ unit: Unit) {
        self.value = value
        self.unit = unit
    }

    /// Parses `<number>[ ]<unit>`.
    public init?(_ text: String) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let numberPart = trimmed.prefix { $0.isNumber || $0 == "." || $0 == "-" || $0 == "+" }
        guard !numberPart.isEmpty, let value = Double(numberPart) else { return nil }
        let rest = trimmed.dropFirst(numberPart.count).trimmingCharacters(in: .whitespaces)
        guard let unit = Unit(symbol: rest) else { return nil }
        self.init(value, unit)
    }

    /// The value in the dimension's base unit.
    public var base: Double { value * unit.scale }

    /// The value converted into another unit of the same dimension.
    public func converted(to other: Unit) -> Double { base / other.scale }

    /// `value` followed by the unit.
    public var description: String {
        let number = value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
        return number + unit.rawValue
    }
}
