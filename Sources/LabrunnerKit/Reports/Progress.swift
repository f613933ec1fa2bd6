import Foundation
import Scenarios

/// Live progress. On a terminal: finished steps scroll by with their state and time while a footer
/// shows every running step with its elapsed time, redrawn four times a second. Elsewhere (CI logs):
/// one plain line per finished step.
package final class Progress: @unchecked Sendable {
    private let lock = NSLock()
    private let tty: Bool
    private let color: Bool
    private let quiet: Bool
    private var running: [(id: String, label: String, since: Date)] = []
    private var footerLines = 0
    private var timer: DispatchSourceTimer?

    /// `color`: whether marks may be coloured (the command line says no under NO_COLOR); only on a terminal.
    package init(quiet: Bool = false, color: Bool = true) {
        self.tty = isatty(STDOUT_FILENO) != 0
        self.color = color && tty
        self.quiet = quiet
    }

    package func started(_ step: PlannedStep) {
        guard tty, !quiet else { return }
        lock.withLock {
            running.append((step.id, "\(step.keyword)\(step.on.map { " on \($0)" } ?? "")", Date()))
            if timer == nil { startTimer() }
            redraw()
        }
    }

    package func finished(_ outcome: StepOutcome) {
        guard !quiet else { return }
        let mark: String
        switch outcome.status {
        case .passed: mark = color ? "\u{1B}[32mPASS\u{1B}[0m" : "PASS"
        case .failed: mark = color ? "\u{1B}[31mFAIL\u{1B}[0m" : "FAIL"
        case .error: mark = color ? "\u{1B}[31mERROR\u{1B}[0m" : "ERROR"
        case .skipped: mark = "SKIP"
        case .blocked: mark = "BLOCKED"
        case .cancelled: mark = "CANCELLED"
        }
        var line = String(format: "%@ %@ (%.2fs)", mark, outcome.id, outcome.duration)
        if let message = outcome.message, outcome.status != .passed { line += " — \(message)" }
        lock.withLock {
            running.removeAll { $0.id == outcome.id }
            emitAboveFooter(line)
        }
    }

    package func line(_ text: String) {
        guard !quiet else { return }
        lock.withLock { emitAboveFooter(text) }
    }

    /// Removes the footer and stops redrawing.
    package func stop() {
        lock.withLock {
            timer?.cancel()
            timer = nil
            running.removeAll()
            clearFooter()
        }
    }

    private func startTimer() {
        let timer = DispatchSource.makeTimerSource(queue: .global())
        timer.schedule(deadline: .now() + .milliseconds(250), repeating: .milliseconds(250))
        timer.setEventHandler { [weak self] in self?.lock.withLock { self?.redraw() } }
        timer.resume()
        self.timer = timer
    }

    private func emitAboveFooter(_ text: String) {
        clearFooter()
        write(text + "\n")
        if tty { redraw() }
    }

    private func clearFooter() {
        guard footerLines > 0 else { return }
        write("\u{1B}[\(footerLines)A\u{1B}[J")
        footerLines = 0
    }

    private func redraw() {
        clearFooter()
        guard !running.isEmpty else { return }
        let now = Date()
        var lines = running.prefix(12).map {
            String(format: "  %@ %@  %@  %.1fs", color ? "\u{1B}[33m▸\u{1B}[0m" : "▸", $0.id, $0.label, now.timeIntervalSince($0.since))
        }
        if running.count > 12 { lines.append("  … and \(running.count - 12) more running") }
        write(lines.joined(separator: "\n") + "\n")
        footerLines = lines.count
    }

    private func write(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }
}
