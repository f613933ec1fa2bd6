import Foundation
import TestpmdCommands

/// The testpmd runtime commands a `fastpath:` step may send, as word patterns.
/// `<n>` is a number, `<word>` any single word.
public enum ForwarderVocabulary {
    /// Command patterns: TestpmdCommand's list, the one FastPath's `help` prints.
    public static let patterns: [String] = TestpmdCommand.all.map(\.pattern)

    /// Whether `command` matches a known pattern.
    public static func knows(_ command: String) -> Bool { TestpmdCommand.matching(command) != nil }

    /// The known pattern closest to `command`, for suggestions.
    public static func nearest(_ command: String) -> String? {
        EditDistance.suggestion(
            for: command, among: patterns.map { $0.replacingOccurrences(of: " <n>", with: "").replacingOccurrences(of: " <word>", with: "") })
    }
}
