/// Reads testpmd output made of per-port blocks introduced by a header such as
/// "NIC statistics for port 0" or "Infos for port 1".
enum PortBlocks {
    /// Every line inside a block, with the block's port number, in order.
    static func lines(_ output: String, header: String) -> [(port: String, line: Substring)] {
        var port: String?
        var out: [(port: String, line: Substring)] = []
        for line in output.split(whereSeparator: \.isNewline) {
            if let range = line.range(of: header) {
                port = line[range.upperBound...].split(separator: " ").first.map(String.init)
            } else if let port {
                out.append((port, line))
            }
        }
        return out
    }
}
