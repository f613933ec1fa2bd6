import FastPath
import Foundation

/// What the standalone `fastpath` binary runs, named by its first word: FastPath itself, its pdump
/// client, or the traffic generator. A copy of FastPath on a lab host is started through a wrapper
/// named `labrunner` (its argv[0]), so the planned lines `labrunner fastpath|pdump|traffic …` run there
/// as they are; the plain binary with no word is FastPath (the guests' `fastpath -l …`).
package enum StandaloneCommand: String, CaseIterable, Sendable {
    case fastpath, pdump, traffic

    /// The words a copy answers, as its wrapper's refusal names them.
    package static var usage: String { "labrunner " + allCases.map(\.rawValue).joined(separator: "|") + " …" }

    /// Runs what `arguments` (argv, the program's name first) asks for; returns the exit status.
    /// `allocations` reads the process's malloc counter (FastPath's `show memory`).
    package static func main(arguments: [String], allocations: AllocationCounter?) -> Int32 {
        let program = URL(fileURLWithPath: arguments.first ?? "fastpath").lastPathComponent
        var words = Array(arguments.dropFirst())
        let command = words.first.flatMap(Self.init(rawValue:))
        if command != nil { words.removeFirst() }
        switch command {
        case .traffic:
            TrafficCommand.main(words)
            return 0
        case .pdump:
            return PdumpMain.run(arguments: words)
        case .fastpath:
            return FastPathMain.run(arguments: words, allocations: allocations)
        case nil:
            guard program != "labrunner" else {
                FileHandle.standardError.write(Data("this copy of labrunner runs only: \(usage)\n".utf8))
                return 2
            }
            return FastPathMain.run(arguments: words, allocations: allocations)
        }
    }
}
