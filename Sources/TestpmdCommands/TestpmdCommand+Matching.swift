extension TestpmdCommand {
    /// Whether `line` has this command's form. A `${name}` reference stands for any number.
    public func matches(_ line: some StringProtocol) -> Bool {
        let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        let pattern = self.pattern.split(separator: " ")
        guard words.count == pattern.count else { return false }
        for (w, p) in zip(words, pattern) {
            switch p {
            case "<n>": if !w.hasPrefix("${") && Int(w) == nil { return false }
            case "<word>": continue
            default: if w != p { return false }
            }
        }
        return true
    }

    /// The command `line` has the form of, if any.
    public static func matching(_ line: some StringProtocol) -> TestpmdCommand? {
        all.first { $0.matches(line) }
    }
}
