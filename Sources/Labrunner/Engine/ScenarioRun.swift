import Foundation
import Scenarios

/// One scenario of a `labrunner run`: what compiling it said, and how running it went.
struct ScenarioRun {
    /// The scenario file.
    var file: String
    /// Diagnostics from compiling it.
    var diagnostics: [Diagnostic]
    /// Files read, to quote lines.
    var sources: [SourceFile]
    /// The graph, when it compiled.
    var graph: StepGraph?
    /// The run, when it ran.
    var result: RunResult?
    /// Its run directory.
    var directory: URL?

    /// 2 when it did not compile, else the run's exit code (0 for a dry run).
    var exitCode: Int32 {
        guard graph != nil else { return 2 }
        return result?.exitCode ?? 0
    }
}
