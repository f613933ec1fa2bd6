import Foundation

/// What the user's terminal settings allow.
enum Terminal {
    /// Coloured marks, unless NO_COLOR is set to anything non-empty (https://no-color.org).
    static var colors: Bool { (ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty }
}
