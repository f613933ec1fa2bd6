import Foundation
import Scenarios

/// Live progress: a line per step as it starts (on a terminal) and as it ends, with its state and time.
final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let tty: Bool
    private let quiet: Bool

    init(quiet: Bool = false) {
        self.tty = isatty(STDOUT_FILENO) != 0
        self.quiet = quiet
    }

    func started(_ step: PlannedStep) {
        guard tty, !quiet else { return }
        emit("  ▸ \(step.id)  \(step.action)\(step.on.map { " on \($0)" } ?? "")")
    }

    func finished(_ outcome: StepOutcome) {
        guard !quiet else { return }
        let mark: String
        switch outcome.status {
        case .passed: mark = tty ? "\u{1B}[32mPASS\u{1B}[0m" : "PASS"
        case .failed: mark = tty ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL"
        case .error: mark = tty ? "\u{1B}[31mERROR\u{1B}[0m" : "ERROR"
        case .skipped: mark = "SKIP"
        case .blocked: mark = "BLOCKED"
        case .cancelled: mark = "CANCELLED"
        }
        var line = String(format: "%@ %@ (%.2fs)", mark, outcome.id, outcome.duration)
        if let message = outcome.message, outcome.status != .passed { line += " — \(message)" }
        emit(line)
    }

    func line(_ text: String) {
        guard !quiet else { return }
        emit(text)
    }

    private func emit(_ text: String) {
        lock.withLock { try? FileHandle.standardOutput.write(contentsOf: Data((text + "\n").utf8)) }
    }
}
