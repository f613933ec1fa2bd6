/// A shell line written in a scenario (`run:`, `send:`), with `${…}` references filled in as data:
/// whatever a value holds, it stays exactly one word with exactly its text. Each reference is escaped
/// for the quoting it stands in — bare (quoted whole), inside '…' (its quotes closed and reopened
/// around an escaped one), inside "…" (`\`, `"`, `$` and backquote escaped) — and `$(…)` and
/// backquotes start a bare context of their own. Values come from `--set`, lab files and what hosts
/// printed: none of them can end a quote or start a command.
public enum ShellLine {
    /// Why a line cannot hold values safely.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        /// A value holds a character a terminal would act on (a newline ends the line typed).
        case controlCharacter(reference: String)
        /// The line leaves a quote open where a reference stands: which quoting applies cannot be told.
        case unbalanced(reference: String)

        public var description: String {
            switch self {
            case .controlCharacter(let path):
                "the value of ${\(path)} holds a control character (a newline, a tab, an escape…), which would type more than one line"
            case .unbalanced(let path):
                "${\(path)} stands in a line whose quotes do not close, so labrunner cannot tell how to quote its value; close the quote"
            }
        }
    }

    /// The quoting a position of a shell line is in.
    enum Context { case bare, single, double, backquote }

    /// A piece of a line: its own text, or a reference and the quoting it stands in.
    enum Token: Equatable {
        case text(String)
        case reference(String, Context)
    }

    /// What a reference stands for: one word, or a command of several (a lab's `${lab.fastpath}`,
    /// written in the lab file as a command prefix), each word quoted on its own.
    public enum Value: Sendable, Equatable {
        case word(String)
        case words([String])
    }

    /// Whether `text` holds a control character (a terminal acts on it; a newline ends a typed line).
    public static func hasControlCharacters(_ text: String) -> Bool {
        text.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    /// `line` with every reference `lookup` knows replaced by its value, escaped for its context;
    /// references it does not know stay as written (to be filled in later, by the same rules).
    public static func substitute(_ line: String, _ lookup: (String) -> Value?) throws(Problem) -> String {
        guard References.present(in: line) else { return line }
        let (tokens, balanced) = scan(line)
        var out = ""
        for token in tokens {
            switch token {
            case .text(let text): out += text
            case .reference(let path, let context):
                guard let value = lookup(path) else {
                    out += "${\(path)}"
                    continue
                }
                guard balanced else { throw .unbalanced(reference: path) }
                switch value {
                case .word(let word):
                    if hasControlCharacters(word) { throw .controlCharacter(reference: path) }
                    out += escape(word, in: context)
                case .words(let words):
                    if words.contains(where: hasControlCharacters) { throw .controlCharacter(reference: path) }
                    switch context {
                    case .bare: out += Shell.join(words)
                    case .backquote: out += words.map { escape($0, in: .backquote) }.joined(separator: " ")
                    case .single, .double: out += escape(words.joined(separator: " "), in: context)
                    }
                }
            }
        }
        return out
    }

    /// `line` with captured values (each one word of its exact text) filled in.
    public static func substitute(_ line: String, captures lookup: (String) -> String?) throws(Problem) -> String {
        try substitute(line) { lookup($0).map(Value.word) }
    }

    /// Text that is not a shell line (a testpmd command, an HMP line, a path, an argument) with its
    /// references filled in as they are, but none that would type more than one line.
    public static func plain(_ text: String, _ lookup: (String) -> String?) throws(Problem) -> String {
        var problem: Problem?
        let out = References.substitute(text) { path in
            guard let value = lookup(path) else { return nil }
            if hasControlCharacters(value) { problem = problem ?? .controlCharacter(reference: path) }
            return value
        }
        if let problem { throw problem }
        return out
    }

    /// The line's pieces, and whether every quote, `$(` and backquote in it closes.
    static func scan(_ line: String) -> (tokens: [Token], balanced: Bool) {
        let a = Array(line)
        var stack: [Context] = [.bare]
        var tokens: [Token] = []
        var text = ""
        var i = 0
        func push(_ c: Context) { stack.append(c) }
        while i < a.count {
            let c = a[i], top = stack.last ?? .bare
            if c == "$", i + 1 < a.count, a[i + 1] == "{", let close = a[(i + 2)...].firstIndex(of: "}") {
                if !text.isEmpty { tokens.append(.text(text)) }
                text = ""
                tokens.append(.reference(String(a[(i + 2)..<close]), top))
                i = close + 1
                continue
            }
            text.append(c)
            i += 1
            let next: Character? = i < a.count ? a[i] : nil
            switch top {
            case .single:
                if c == "'" { stack.removeLast() }
            case .bare, .backquote:
                if c == "\\", let next {  // an escaped character is literal
                    text.append(next)
                    i += 1
                } else if c == "'" {
                    push(.single)
                } else if c == "\"" {
                    push(.double)
                } else if c == "(" {
                    push(.bare)
                } else if c == ")", top == .bare, stack.count > 1 {
                    stack.removeLast()
                } else if c == "`" {
                    if top == .backquote { stack.removeLast() } else { push(.backquote) }
                } else if c == "#", i == 1 || a[i - 2].isWhitespace {  // a comment, to the end of its line
                    while i < a.count, a[i] != "\n" {
                        text.append(a[i])
                        i += 1
                    }
                }
            case .double:
                if c == "\\", let next {
                    text.append(next)
                    i += 1
                } else if c == "\"" {
                    stack.removeLast()
                } else if c == "$", next == "(" {
                    text.append("(")
                    i += 1
                    push(.bare)
                } else if c == "`" {
                    push(.backquote)
                }
            }
        }
        if !text.isEmpty { tokens.append(.text(text)) }
        return (tokens, stack == [.bare])
    }

    /// `value` as one word in `context`.
    static func escape(_ value: String, in context: Context) -> String {
        switch context {
        case .bare: Shell.quote(value)
        // Inside backquotes the shell first takes `\`, `$` and backquote escaped by a backslash, then
        // parses what is left: the quoted word, escaped once more.
        case .backquote:
            Shell.quote(value).reduce(into: "") { out, c in
                if "\\$`".contains(c) { out.append("\\") }
                out.append(c)
            }
        case .single: value.replacingOccurrences(of: "'", with: #"'\''"#)
        case .double:
            value.reduce(into: "") { out, c in
                if "\\\"$`".contains(c) { out.append("\\") }
                out.append(c)
            }
        }
    }
}
