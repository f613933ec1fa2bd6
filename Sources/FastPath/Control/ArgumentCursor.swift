/// Walks command-line arguments in both `--name=value` and `--name value` forms.
struct ArgumentCursor {
    struct Option {
        let name: String
        let raw: String
        let inlineValue: String?
    }

    private var items: [String]
    private var index = 0

    init(_ items: some Sequence<String>) { self.items = Array(items) }

    mutating func next() -> Option? {
        guard index < items.count else { return nil }
        let raw = items[index]
        index += 1
        if raw.hasPrefix("--"), let eq = raw.firstIndex(of: "=") {
            return Option(name: String(raw[..<eq]), raw: raw, inlineValue: String(raw[raw.index(after: eq)...]))
        }
        return Option(name: raw, raw: raw, inlineValue: nil)
    }

    mutating func value(for option: Option) throws(FastPathError) -> String {
        if let v = option.inlineValue { return v }
        guard index < items.count else { throw .invalid("option \(option.name) needs a value") }
        index += 1
        return items[index - 1]
    }

    mutating func integer(for option: Option, in range: ClosedRange<Int>, hint: String? = nil) throws(FastPathError) -> Int {
        let text = try value(for: option)
        guard let v = Int(text), range.contains(v) else {
            throw .invalid("\(option.name)=\(text): give an integer in \(range.lowerBound)...\(range.upperBound)\(hint.map { " (\($0))" } ?? "")")
        }
        return v
    }
}
