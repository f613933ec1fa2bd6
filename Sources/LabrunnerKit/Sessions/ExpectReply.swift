/// What an `expect` found: the text printed before the pattern, and which named group matched.
struct ExpectReply: Sendable {
    /// Output before the match, with CRLF turned into LF.
    var text: String
    /// The name of the `(?<name>…)` group that matched, if the pattern has named groups.
    var matchedGroup: String?
    /// The text the pattern matched (the prompt).
    var matched = ""
}
