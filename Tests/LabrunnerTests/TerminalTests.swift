import Foundation
import Testing

@testable import LabrunnerKit

/// Terminals on a PTY whose program misbehaves.
@Suite(.serialized) struct TerminalTests {
    /// A terminal whose program stops reading its input: a line that does not fit fails within the
    /// send limit, naming why, instead of blocking its thread for good.
    @Test func aTerminalThatStopsReadingFailsTheSendInTime() async throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-pty-\(UUID().uuidString.prefix(8)).log")
        defer { try? FileManager.default.removeItem(at: log) }
        let session = try PTYSession(argv: ["sleep", "600"], log: log)
        let started = ContinuousClock.now
        do {
            // One send, one deadline: 1 MiB of complete lines (a canonical-mode terminal drops what
            // overflows one unfinished line, but keeps finished ones until they are read).
            try await session.send(String(repeating: String(repeating: "y", count: 1023) + "\n", count: 1024))
            Issue.record("a program that reads nothing cannot take 1 MiB of input")
        } catch SessionError.notReading(let after, _) {
            #expect(after == TerminalStream.sendLimit)
        }
        #expect(ContinuousClock.now - started < TerminalStream.sendLimit + .seconds(3))
        await session.close()
    }
}
