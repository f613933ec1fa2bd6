/// The type of a scenario param; `--set` values and defaults are checked against it.
public enum ParamType: String, Sendable, CaseIterable {
    case int, number, string, bool, duration, size, quantity, mac, pci, cores
    case enumeration = "enum"

    /// The scalar format a value of this type must have.
    public var format: ScalarFormat {
        switch self {
        case .int: .integer
        case .number: .number
        case .string, .enumeration: .text
        case .bool: .boolean
        case .duration: .duration
        case .size: .size
        case .quantity: .quantity
        case .mac: .mac
        case .pci: .pci
        case .cores: .cores
        }
    }
}
