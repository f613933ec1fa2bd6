/// Where a param's value in a compilation came from.
public enum ParamSource: Sendable, Equatable, CustomStringConvertible {
    /// The scenario's own default.
    case scenario
    /// The lab's default for runs on it (`params:` or `scenarios:` in the lab file).
    case lab(String)
    /// `--set` on the command line.
    case commandLine

    /// `scenario`, `lab NAME`, `--set`.
    public var description: String {
        switch self {
        case .scenario: "scenario"
        case .lab(let name): "lab \(name)"
        case .commandLine: "--set"
        }
    }

    /// `scenario`, `lab` or `--set`, for JSON.
    public var kind: String {
        switch self {
        case .scenario: "scenario"
        case .lab: "lab"
        case .commandLine: "--set"
        }
    }
}
