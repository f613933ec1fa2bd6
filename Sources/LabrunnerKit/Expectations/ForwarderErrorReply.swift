import Foundation

/// testpmd's error answers at its prompt — FastPath answers with the same words. A runtime command
/// answered with one did not do what it says, so its step fails whether or not it expects anything.
enum ForwarderErrorReply {
    /// Lines that begin an error answer (testpmd's cmdline and its commands' messages, DPDK 17.08–22.11).
    static let patterns: [NSRegularExpression] = [
        "^Command not found", "^Bad arguments", "^Invalid port", "^Invalid (VF|queue|vf|mac|MAC)", "^Please stop (forwarding|all ports|port)",
        "^Fail(ed)?\\b", "^[Ee]rror\\b", "^Port \\d+ is not a bonded device", "^(Operation|Function) not (supported|implemented)",
        "\\bnot supported\\b", "^Unknown (command|parameter)", "^port \\d+ is not started",
    ].map { try! NSRegularExpression(pattern: $0, options: [.anchorsMatchLines]) }

    /// The first line of `output` that is an error answer, if any.
    static func firstError(in output: String) -> String? {
        for line in output.split(whereSeparator: \.isNewline) {
            let text = line.trimmingCharacters(in: .whitespaces)
            let range = NSRange(text.startIndex..., in: text)
            if patterns.contains(where: { $0.firstMatch(in: text, range: range) != nil }) { return text }
        }
        return nil
    }
}
