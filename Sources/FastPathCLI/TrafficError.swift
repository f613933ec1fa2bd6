/// Why `labrunner traffic` could not do what it was asked.
package enum TrafficError: Error, Equatable, CustomStringConvertible {
    /// An option that does not convert (the message names it and what it takes).
    case invalid(String)
    /// A start, stop or run that the generator's state refuses (already running, nothing to stop, no report).
    case state(String)

    /// The message shown to users.
    package var description: String {
        switch self {
        case .invalid(let why), .state(let why): why
        }
    }
}
