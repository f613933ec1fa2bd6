import FastPath
import Testing

@testable import FastPathCLI

/// `labrunner traffic` converts its options once, and a background run gets the same profile back
/// from the options written from it.
@Suite struct TrafficArgumentsTests {
    @Test func optionsConvertAndRoundTrip() throws {
        var options = TrafficArguments(port: "p0")
        (options.rxPorts, options.dstMAC, options.srcIP, options.dstIP) = (["p1"], "52:54:00:02:d9:01", "198.51.100.1", "198.51.100.10")
        (options.proto, options.frameSize, options.flows, options.rate, options.duration) = ("icmp", 128, 4, "10kpps", "2.5s")
        let profile = try options.profile()
        #expect(profile.rate == 10_000 && profile.duration == 2.5 && profile.proto == .icmp && profile.flows == 4 && profile.frameSize == 128)
        let again = try TrafficArguments(profile).profile()
        #expect(again.transmit == "p0" && again.receive == ["p1"] && again.destinationMAC == profile.destinationMAC)
        #expect(again.ip == profile.ip && again.rate == profile.rate && again.duration == profile.duration && again.proto == .icmp && again.flows == 4)
    }

    @Test func badOptionsSayWhich() {
        var options = TrafficArguments(port: "p0")
        options.rate = "5"
        #expect(throws: TrafficError.invalid("--rate 5: give a packet rate such as 1kpps")) { try options.profile() }
        options = TrafficArguments(port: "p0")
        options.dstMAC = "zz"
        #expect(throws: TrafficError.invalid("--dst-mac zz is not a MAC address")) { try options.profile() }
        options = TrafficArguments(port: "p0")
        options.proto = "sctp"
        #expect(throws: TrafficError.invalid("--proto sctp: the generator sends udp, tcp or icmp (echo requests) probes")) { try options.profile() }
        options = TrafficArguments(port: "p0")
        options.innerVLAN = 10
        #expect(throws: TrafficError.self) { try options.profile() }
        options.vni = 1 << 24
        #expect(throws: TrafficError.invalid("--vni 16777216: a VNI has 24 bits (0 to 16777215)")) { try options.profile() }
    }

    @Test func tcpAndVXLANProfilesGoToTheBackgroundGeneratorAndBack() throws {
        var options = TrafficArguments(port: "p0")
        (options.proto, options.srcPort, options.dstPort, options.frameSize) = ("tcp", 1024, 80, 128)
        (options.vni, options.innerDstMAC, options.innerVLAN, options.innerDstIP) = (8, "00:00:00:00:20:00", 10, "10.0.0.9")
        let profile = try options.profile()
        #expect(profile.proto == .tcp && profile.ports == (1024, 80) && profile.tunnel?.vni == 8 && profile.tunnel?.innerVLAN == 10)
        let again = try TrafficArguments(profile).profile()
        #expect(again.proto == .tcp && again.ports == (1024, 80) && again.tunnel == profile.tunnel)
    }
}
