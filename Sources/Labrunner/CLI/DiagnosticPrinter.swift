import Foundation
import LabrunnerKit
import Scenarios

/// Prints diagnostics at the edge: text to stderr, JSON to stdout.
enum DiagnosticPrinter {
    static func print(_ diagnostics: [Diagnostic], sources: [SourceFile], format: DiagnosticFormat) {
        let renderer = DiagnosticRenderer(sources: sources)
        switch format {
        case .json:
            Swift.print(renderer.json(diagnostics))
        case .text:
            guard !diagnostics.isEmpty else { return }
            FileHandle.standardError.write(Data((renderer.text(diagnostics) + "\n").utf8))
        }
    }
}
