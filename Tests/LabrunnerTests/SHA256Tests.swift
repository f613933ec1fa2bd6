import Foundation
import Testing

@testable import LabrunnerKit

/// The manifest's fingerprints are SHA-256 as sha256sum computes it, at every padding boundary.
@Suite struct SHA256Tests {
    @Test func digestsMatchSha256sum() throws {
        #expect(SHA256.hex([UInt8]()) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-sha-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        for length in [1, 55, 56, 63, 64, 65, 119, 1000, 100_000] {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            try Data(bytes).write(to: URL(fileURLWithPath: file))
            #expect(SHA256.hex(bytes) == CLI.shell("sha256sum \(file)").split(separator: " ").first.map(String.init), "\(length) bytes")
        }
    }
}
