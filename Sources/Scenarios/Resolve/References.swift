import Foundation

/// Finds `${name}` and `${name.field…}` references in text.
public enum References {
    /// One reference: its full dotted path and the offset of `${` in the text.
    public struct Reference: Sendable, Hashable {
        /// `name` or `name.field.sub`.
        public let path: String
        /// Character offset of `${`.
        public let offset: Int
        /// The first segment.
        public var root: String { String(path.split(separator: ".", maxSplits: 1).first ?? "") }
    }

    /// Whether `text` contains `${` (a fast byte scan; scenario files have many scalars).
    public static func present(in text: String) -> Bool {
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if previous == UInt8(ascii: "$") && byte == UInt8(ascii: "{") { return true }
            previous = byte
        }
        return false
    }

    /// All references in `text`, in order.
    public static func find(in text: String) -> [Reference] {
        guard present(in: text) else { return [] }
        var out: [Reference] = []
        let chars = Array(text)
        var i = 0
        while i + 1 < chars.count {
            if chars[i] == "$", chars[i + 1] == "{", let close = chars[(i + 2)...].firstIndex(of: "}") {
                out.append(Reference(path: String(chars[(i + 2)..<close]), offset: i))
                i = close + 1
            } else {
                i += 1
            }
        }
        return out
    }

    /// `text` with every reference whose path `lookup` knows replaced by its value.
    public static func substitute(_ text: String, _ lookup: (String) -> String?) -> String {
        guard present(in: text) else { return text }
        var out = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            let path = String(rest[start.upperBound..<end])
            out += rest[..<start.lowerBound]
            out += lookup(path) ?? "${\(path)}"
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}
