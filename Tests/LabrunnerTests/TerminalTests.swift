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
            for _ in 0..<64 { try await session.send(String(repeating: "y", count: 4096)) }
            Issue.record("a program that reads nothing cannot take 256 KiB of input")
        } catch SessionError.notReading(let after, _) {
            #expect(after == TerminalStream.sendLimit)
        }
        #expect(ContinuousClock.now - started < TerminalStream.sendLimit + .seconds(5))
        await session.close()
    }
}
