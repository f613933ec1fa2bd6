import FastPath
import FuzzDriver

/// A forwarder with two ring ports, as FastPath's prompt drives one.
let interpreter: CommandInterpreter = {
    var config = ForwardingConfig()
    config.forwardingCPUs = [0]
    let forwarder = Forwarder(pool: try! PacketPool(count: 2048), config: config)
    for i in 0..<2 { _ = try! forwarder.attach(try! RingPort(deviceName: "net_ring\(i)", devargs: "")) }
    return CommandInterpreter(forwarder: forwarder)
}()

/// FastPath's testpmd command line on any text, one command per line: a reply (an error that says
/// what is wrong, or testpmd's output), never a crash. Lines that start forwarding or end the program
/// are left out: they start threads, not parsing.
public func fuzzTestpmdCommands(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    for line in text.split(separator: "\n", omittingEmptySubsequences: true).prefix(64) {
        let first = line.split(separator: " ").first.map(String.init) ?? ""
        if ["start", "quit", "exit"].contains(first) { continue }
        _ = interpreter.execute(String(line))
    }
    return 0
}

@_cdecl("FuzzTestpmdCommands_main")
public func fuzzTestpmdCommandsMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> Int32 {
    runFuzzer(argc, argv) { data, size in fuzzTestpmdCommands(data!, size) }
}
