import FuzzDriver
import Scenarios

/// The fuzzed bytes as the one file there is (an include finds nothing).
struct FuzzedSource: SourceReader {
    let bytes: [UInt8]
    func bytes(at path: String) -> Result<[UInt8], SourceReadError> { path == "/fuzz/fuzz.yaml" ? .success(bytes) : .failure(SourceReadError("no such file")) }
    func isDirectory(_ path: String) -> Bool { false }
    func entries(of directory: String) -> [String]? { nil }
    var workingDirectory: String { "/fuzz" }
}

/// The embedded virtual lab, loaded once.
let lab = LabLoader().loadEmbedded()

/// The scenario loader, checker and planner on any bytes, against the embedded virtual lab:
/// diagnostics or a plan, never a crash or a hang.
public func fuzzScenario(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let compiler = Compiler(source: FuzzedSource(bytes: Array(UnsafeBufferPointer(start: data, count: size))))
    let result = compiler.plan(path: "/fuzz/fuzz.yaml", lab: lab, overrides: [])
    if let graph = result.graph { _ = PlanRenderer(graph: graph).text }
    return 0
}

@_cdecl("FuzzScenario_main")
public func fuzzScenarioMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzScenario(data!, size) }
}
