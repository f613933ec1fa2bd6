import FuzzDriver
import Scenarios

@testable import LabrunnerKit

/// Every expectation parser (testpmd's port stats and info, bonding, QEMU's status and migrate info,
/// tcpdump, the traffic and search reports) on any text: fields or a ParseError, never a crash.
public func fuzzParsers(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    guard size > 0 else { return 0 }
    let kinds = ParserKind.allCases
    let kind = kinds[Int(data[0]) % kinds.count]
    let text = String(decoding: UnsafeBufferPointer(start: data + 1, count: size - 1), as: UTF8.self)
    _ = try? kind.parser.parse(text)
    return 0
}

@_cdecl("FuzzParsers_main")
public func fuzzParsersMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzParsers(data!, size) }
}
