import Testing

@testable import Scenarios

/// The language reads only through its SourceReader: a whole directory of scenarios, includes and labs
/// validates and plans from memory, and labs are told from scenarios by their parsed `kind`.
@Suite struct SourceReaderTests {
    /// Files held in memory; every read is counted.
    final class MemoryReader: SourceReader, @unchecked Sendable {
        let files: [String: String]
        private(set) var reads: [String] = []

        init(_ files: [String: String]) { self.files = files }

        func bytes(at path: String) -> Result<[UInt8], SourceReadError> {
            reads.append(path)
            return files[path].map { .success(Array($0.utf8)) } ?? .failure(SourceReadError("no such file"))
        }

        func isDirectory(_ path: String) -> Bool { files.keys.contains { $0.hasPrefix(path.hasSuffix("/") ? path : path + "/") } }

        func entries(of directory: String) -> [String]? {
            let prefix = directory.hasSuffix("/") ? directory : directory + "/"
            return files.keys.filter { $0.hasPrefix(prefix) }.map { String($0.dropFirst(prefix.count)) }.filter { !$0.contains("/") }
        }

        var workingDirectory: String { "/nowhere" }
    }

    static let files = [
        "/mem/labs/lab.yaml": "name: memlab\nkind: \"virtual\"   # quoted, with a comment: still a lab\ncapabilities: [tap]\n",
        "/mem/s.yaml": "name: s\ntitle: S\ninclude: [common/roles.yaml]\nsteps:\n  - id: one\n    on: h1\n    run: echo ${greeting}\n",
        "/mem/common/roles.yaml": "params:\n  greeting: {type: string, default: hello}\nroles:\n  h1: {kind: host}\n",
    ]

    @Test func validatesAndPlansFromMemory() throws {
        let reader = MemoryReader(Self.files)
        let compiler = Compiler(source: reader)
        let (diagnostics, sources) = compiler.validate(paths: ["/mem", "/mem/labs"])
        #expect(diagnostics.isEmpty, "\(diagnostics.map(\.fullMessage))")
        #expect(Set(sources.map(\.path)).isSuperset(of: ["/mem/s.yaml", "/mem/labs/lab.yaml"]))
        // Each file read once: the lab is recognised from its parsed kind, not by reading it again.
        #expect(reader.reads.filter { $0 == "/mem/labs/lab.yaml" }.count == 1)
        #expect(reader.reads.filter { $0 == "/mem/s.yaml" }.count == 1)

        let plan = compiler.plan(path: "/mem/s.yaml", labPath: "/mem/labs/lab.yaml", overrides: ["greeting=hi"])
        let graph = try #require(plan.graph, "\(plan.diagnostics.map(\.fullMessage))")
        #expect(graph.lab == "memlab")
        #expect(graph.step("one")?.command == "echo hi")
    }

    @Test func aMissingFileSaysWhyThroughTheReader() {
        let (diagnostics, _) = Compiler(source: MemoryReader([:])).validate(paths: ["/mem/gone.yaml"])
        #expect(diagnostics.map(\.message) == ["cannot read '/mem/gone.yaml': no such file"])
    }
}
