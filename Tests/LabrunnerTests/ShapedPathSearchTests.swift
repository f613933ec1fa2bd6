import Foundation
import Testing

/// The throughput search checked against a real path whose capacity is known: the generator's two
/// veths joined by a Linux bridge whose port toward the receiving veth is shaped by the kernel's token
/// bucket (tc tbf, 1440 kbit/s: 3000 frames a second of 60 bytes on the wire), in a namespace of the
/// test's own. The NDR found lies just under that capacity, a 10 s trial at it loses nothing, and one at
/// 1.2 × NDR loses frames.
@Suite(.serialized) struct ShapedPathSearchTests {
    @Test func theNDRFoundHoldsForTenSecondsAndTwentyPercentMoreLoses() throws {
        let ns = "lq" + String(UUID().uuidString.prefix(6)).lowercased()
        defer { _ = CLI.shell("ip netns pids \(ns) | xargs -r kill -9; ip netns del \(ns)") }
        let setup = CLI.shell(
            """
            set -e
            ip netns add \(ns)
            ip netns exec \(ns) sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
            ip -n \(ns) link set lo up
            ip -n \(ns) link add br0 type bridge
            ip -n \(ns) link add p0 type veth peer name b0
            ip -n \(ns) link add p1 type veth peer name b1
            for i in b0 b1; do ip -n \(ns) link set $i master br0; done
            for i in br0 p0 p1 b0 b1; do ip -n \(ns) link set $i up; done
            tc -n \(ns) qdisc add dev b1 root tbf rate 1440kbit burst 1600 limit 3000
            echo ready
            """)
        #expect(setup.contains("ready"), "\(setup)")
        let search = CLI.shell(
            "ip netns exec \(ns) \(CLI.binary) traffic search --port p0 --rx-port p1 --goal ndr --rate 5kpps --trial 1s --final 10s --width 5% --verify")
        let result = try #require(try JSONSerialization.jsonObject(with: Data(search.utf8)) as? [String: Any], "\(search)")
        let ndr = result["ndr"] as? Double ?? -1
        #expect(ndr > 3000 * 0.85 && ndr <= 3000 * 1.02, "NDR \(ndr) pps against a 3000 frames/s bucket: \(search.prefix(400))")
        #expect(result["ndr_verify_loss"] as? Double == 0, "\(search.prefix(600))")
        #expect((result["ndr_above_loss"] as? Double ?? 0) > 5, "1.2 × NDR is 20 % over what the bucket passes: \(search.prefix(600))")
    }
}
