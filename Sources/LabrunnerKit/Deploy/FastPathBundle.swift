import FastPathCLI
import Foundation

/// labrunner's FastPath as it goes to an SSH lab host: the standalone `fastpath` binary, every shared
/// library it loads, the dynamic loader (the host's own glibc may be older than the one it was built
/// against), and a `labrunner` wrapper that runs `labrunner fastpath|pdump|traffic …` from them — the parts the
/// virtual lab's guests get on their disk. Its build is the digest of its files' digests.
struct FastPathBundle: Sendable {
    /// One file: where it is here, its path inside the bundle, its SHA-256 and mode.
    struct File: Sendable {
        let source: String
        let name: String
        let sha256: String
        let mode: String
    }

    let files: [File]

    /// The check file `sha256sum -c` verifies the copy with ("<digest>  <name>" per file).
    var manifest: String { files.map { "\($0.sha256)  \($0.name)\n" }.joined() }

    /// The first 16 hex digits of the manifest's SHA-256: the copy's directory is named after it.
    var build: String { String(SHA256.hex(Array(manifest.utf8)).prefix(16)) }

    /// The wrapper a copied FastPath is started through: the planned lines' `labrunner fastpath|pdump|traffic …`.
    /// The binary sees the wrapper as its argv[0], so it answers only those words, and a generator it starts
    /// in the background runs through the wrapper again.
    static let wrapper = """
        #!/bin/sh
        # labrunner's FastPath, copied here by a labrunner run: this copy runs only \(StandaloneCommand.usage)
        dir=$(dirname "$(readlink -f "$0")")
        exec "$dir/lib/loader" --library-path "$dir/lib" --argv0 "$dir/labrunner" "$dir/fastpath" "$@"

        """

    /// The bundle of the `fastpath` binary at `binary`; the wrapper is written into `scratch`.
    static func of(_ binary: String, scratch: URL) async throws -> FastPathBundle {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw StepError.setup("no fastpath binary at \(binary) to copy to the lab host: build it (swift build builds it next to labrunner)")
        }
        let ldd = try await LocalExecutor.run(["ldd", binary], timeout: .seconds(30))
        guard ldd.status == 0 else { throw StepError.setup("ldd \(binary) failed: \(ldd.stderr.suffix(300))") }
        var parts: [(source: String, name: String, mode: String)] = [(binary, "fastpath", "755")]
        for line in ldd.stdout.split(separator: "\n").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            let words = line.split(separator: " ").map(String.init)
            if words.count >= 3, words[1] == "=>", words[2].hasPrefix("/") {
                parts.append((URL(fileURLWithPath: words[2]).resolvingSymlinksInPath().path, "lib/\(words[0])", "644"))
            } else if let loader = words.first, loader.hasPrefix("/"), loader.contains("/ld-linux") {
                parts.append((URL(fileURLWithPath: loader).resolvingSymlinksInPath().path, "lib/loader", "755"))
            }
        }
        guard parts.contains(where: { $0.name == "lib/loader" }) else { throw StepError.setup("ldd \(binary) names no dynamic loader") }
        let wrapper = scratch.appendingPathComponent("fastpath-wrapper")
        try Self.wrapper.write(to: wrapper, atomically: true, encoding: .utf8)
        parts.append((wrapper.path, "labrunner", "755"))
        let sums = try await LocalExecutor.run(["sha256sum", "--"] + parts.map(\.source), timeout: .seconds(120))
        let digests = sums.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        guard sums.status == 0, digests.count == parts.count else { throw StepError.setup("sha256sum of FastPath's files failed: \(sums.stderr.suffix(300))") }
        return FastPathBundle(files: zip(parts, digests).map { File(source: $0.source, name: $0.name, sha256: $1, mode: $0.mode) })
    }
}
