/// A named interactive terminal, like the guide's "Terminal 2".
public struct Session: Sendable {
    /// Its name.
    public var name: Located<String>
    /// The role it is open on.
    public var on: Located<String>
    /// shell, serial or monitor.
    public var console: String
    /// Prompt regex.
    public var prompt: String
    /// Description.
    public var doc: String?

    /// The prompt a console shows when none is given. The trailing space is part of it: a prompt that
    /// arrives in two pieces must not match on its first.
    public static func defaultPrompt(for console: String) -> String {
        console == "monitor" ? #"\(qemu\) ?$"# : #"[#$] $"#
    }
}
