import Foundation

/// The kinds of scalar text the language knows, each with its validator and JSON Schema pattern.
public enum ScalarFormat: String, Sendable, CaseIterable {
    /// Any text.
    case text
    /// A name: letters, digits, `_`, `-`, `.`; starts with a letter or `_`.
    case identifier
    /// An integer.
    case integer
    /// A decimal number.
    case number
    /// `true`/`false` (also yes/no, on/off).
    case boolean
    /// A MAC address, `52:54:00:02:d9:01`.
    case mac
    /// A PCI address, `0000:09:00.0` or `09:10.0`.
    case pci
    /// A core list, `0-3,6,8-9`.
    case cores
    /// A duration, `500ms`, `10s`, `2min`.
    case duration
    /// A memory size, `3072MiB`, `1GiB`, `350MB`, or a plain number of MiB.
    case size
    /// A number with an optional unit, `5ms`, `14.88Mpps`, `0.1%`, `64`.
    case quantity
    /// A regular expression.
    case regex
    /// A `when:` condition, `${nic} == niantic and ${mode} != tcg`.
    case condition

    /// What a user should write, for messages.
    public var expected: String {
        switch self {
        case .text: "text"
        case .identifier: "a name (letters, digits, '_', '-', '.')"
        case .integer: "an integer"
        case .number: "a number"
        case .boolean: "true or false"
        case .mac: "a MAC address like 52:54:00:02:d9:01"
        case .pci: "a PCI address like 0000:09:00.0"
        case .cores: "a core list like 0-3,6"
        case .duration: "a duration like 500ms, 10s or 2min"
        case .size: "a size like 1024MiB or 1GiB"
        case .quantity: "a number with an optional unit, like 5ms or 14.8Mpps"
        case .regex: "a regular expression"
        case .condition: "a condition like '${nic} == niantic'"
        }
    }

    /// nil when `text` is valid, else why it is not.
    public func problem(with text: String) -> String? {
        switch self {
        case .text: return nil
        case .identifier:
            return Self.isIdentifier(text) ? nil : "'\(text)' is not \(expected)"
        case .integer:
            return Int(text) == nil ? "'\(text)' is not an integer" : nil
        case .number:
            return Double(text) == nil ? "'\(text)' is not a number" : nil
        case .boolean:
            return Self.boolean(text) == nil ? "'\(text)' is not true or false" : nil
        case .mac:
            return MACAddress(text) == nil ? "'\(text)' is not a MAC address (six hex byte pairs separated by ':')" : nil
        case .pci:
            return PCIAddress(text) == nil ? "'\(text)' is not a PCI address (domain:bus:device.function, e.g. 0000:09:00.0)" : nil
        case .cores:
            do {
                _ = try CoreList(parsing: text)
                return nil
            } catch { return "\(error)" }
        case .duration:
            guard let q = Quantity(text), q.unit.dimension == .time || q.unit == .none else {
                return "'\(text)' is not \(expected)"
            }
            guard q.base.isFinite, q.base >= 0, q.base <= Self.longestDuration else {
                return "'\(text)' is not a duration from 0 to a week (\(Int(Self.longestDuration)) s), the longest labrunner waits for anything"
            }
            return nil
        case .size:
            guard let q = Quantity(text), q.unit.dimension == .bytes || q.unit == .none else {
                return "'\(text)' is not \(expected)"
            }
            return nil
        case .quantity:
            return Quantity(text) == nil ? "'\(text)' is not \(expected); known units: \(Unit.allSymbols.joined(separator: ", "))" : nil
        case .regex:
            do {
                _ = try NSRegularExpression(pattern: text)
                return nil
            } catch {
                return "'\(text)' is not a valid regular expression"
            }
        case .condition:
            do {
                _ = try Condition(parsing: text)
                return nil
            } catch { return "\(error)" }
        }
    }

    /// The JSON Schema for a scalar of this format (before `${…}` interpolation is allowed for).
    public var jsonSchema: JSONValue {
        switch self {
        case .text: return .object([("type", .array([.string("string"), .string("number"), .string("boolean")]))])
        case .regex, .condition: return .object([("type", .string("string"))])
        case .identifier: return .object([("type", .string("string")), ("pattern", .string("^[A-Za-z_][A-Za-z0-9_.-]*$"))])
        case .integer: return .object([("type", .string("integer"))])
        case .number: return .object([("type", .string("number"))])
        case .boolean: return .object([("type", .string("boolean"))])
        case .mac: return .object([("type", .string("string")), ("pattern", .string("^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$"))])
        case .pci: return .object([("type", .string("string")), ("pattern", .string("^([0-9A-Fa-f]{4}:)?[0-9A-Fa-f]{2}:[0-9A-Fa-f]{2}\\.[0-7]$"))])
        case .cores: return .object([("type", .string("string")), ("pattern", .string("^[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$"))])
        case .duration, .size, .quantity:
            return .object([("type", .array([.string("string"), .string("number")]))])
        }
    }

    /// The longest duration a scenario may give, in seconds (a week): timeouts, waits and retry delays
    /// become clock durations, which a value like 10^16 s would overflow.
    public static let longestDuration: Double = 7 * 24 * 3600

    /// Interprets YAML's spellings of booleans.
    public static func boolean(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "true", "yes", "on": true
        case "false", "no", "off": false
        default: nil
        }
    }

    /// Whether `text` is a valid name.
    public static func isIdentifier(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, first == "_" || (first.isASCII && CharacterSet.letters.contains(first)) else { return false }
        return text.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "_-.".unicodeScalars.contains($0)) }
    }
}
