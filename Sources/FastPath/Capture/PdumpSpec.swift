/// One `--pdump` argument of the pdump tool: `port=0,queue=*,rx-dev=capture.pcap[,tx-dev=…]`
/// (DPDK's words; `device_id=` and `ring-size`/`mbuf-size`/`total-num-mbufs` are accepted as in DPDK).
public struct PdumpSpec: Sendable, Equatable {
    /// The port captured.
    public var port: Int
    /// File for received packets.
    public var rxFile: String?
    /// File for transmitted packets (the same path as rxFile captures both into one file).
    public var txFile: String?

    /// Parses the argument.
    public init(_ text: String) throws(FastPathError) {
        var port: Int?
        for part in text.split(separator: ",") {
            let kv = part.split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw .invalid("--pdump '\(text)': '\(part)' is not key=value") }
            switch kv[0] {
            case "port":
                guard let p = Int(kv[1]), p >= 0 else { throw .invalid("--pdump '\(text)': port must be a number") }
                port = p
            case "queue":
                guard kv[1] == "*" || kv[1] == "0" else { throw .invalid("--pdump '\(text)': FastPath ports have one queue: queue=* or queue=0") }
            case "rx-dev": rxFile = kv[1]
            case "tx-dev": txFile = kv[1]
            case "ring-size", "mbuf-size", "total-num-mbufs": break
            case "device_id": throw .invalid("--pdump '\(text)': give port=<id>; FastPath has no PCI device ids")
            default: throw .invalid("--pdump '\(text)': unknown key '\(kv[0])' (port, queue, rx-dev, tx-dev)")
            }
        }
        guard let port else { throw .invalid("--pdump '\(text)': give port=<id>") }
        guard rxFile != nil || txFile != nil else { throw .invalid("--pdump '\(text)': give rx-dev=<file> and/or tx-dev=<file>") }
        self.port = port
    }
}
