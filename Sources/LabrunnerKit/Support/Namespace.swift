/// Running a program inside a network namespace.
enum Namespace {
    /// `argv` as run in `namespace` (`ip netns exec`), or unchanged without one.
    static func exec(_ namespace: String?, _ argv: [String]) -> [String] {
        namespace.map { ["ip", "netns", "exec", $0] + argv } ?? argv
    }
}
