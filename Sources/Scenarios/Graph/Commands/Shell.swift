import Foundation

/// Shell quoting for rendered command lines.
public enum Shell {
    /// `word` quoted for sh when it needs quoting.
    public static func quote(_ word: String) -> String {
        let safe = word.allSatisfy { $0.isLetter || $0.isNumber || "-_./=:,@%+".contains($0) }
        if safe && !word.isEmpty { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Arguments joined into one command line.
    public static func join(_ args: [String]) -> String { args.map(quote).joined(separator: " ") }
}
