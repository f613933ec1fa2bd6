import Foundation
import Scenarios

/// One scenario of a `labrunner run`: what compiling it said, and how running it went.
package struct ScenarioRun {
    /// The scenario file.
    package var file: String
    /// Diagnostics from compiling it.
    package var diagnostics: [Diagnostic]
    /// Files read, to quote lines.
    package var sources: [SourceFile]
    /// The graph, when it compiled.
    package var graph: StepGraph?
    /// The run, when it ran.
    package var result: RunResult?
    /// Its run directory.
    package var directory: URL?

    /// 2 when it did not compile, else the run's exit code (0 for a dry run).
    package var exitCode: Int32 {
        guard graph != nil else { return 2 }
        return result?.exitCode ?? 0
    }
}
