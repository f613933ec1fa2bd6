import Testing

@testable import Scenarios

@Suite struct ValueTests {
    @Test func coreLists() throws {
        #expect(try CoreList(parsing: "0,2,3,4,5").description == "0,2-5")
        #expect(try CoreList(parsing: "6-7").cores == [6, 7])
        #expect(throws: CoreList.ParseError.self) { try CoreList(parsing: "3-1") }
        #expect(throws: CoreList.ParseError.self) { try CoreList(parsing: "1,,2") }
        #expect(throws: CoreList.ParseError.self) { try CoreList(parsing: "5000") }
    }

    @Test func macAndPCIAddresses() {
        #expect(MACAddress("CC:BB:BB:BB:BB:BB")?.description == "cc:bb:bb:bb:bb:bb")
        #expect(MACAddress("cc:bb:bb:bb:bb") == nil)
        #expect(MACAddress("cc:bb:bb:bb:bb:bg") == nil)
        #expect(PCIAddress("09:10.0")?.description == "0000:09:10.0")
        #expect(PCIAddress("0000:00:04.0") == PCIAddress("00:04.0"))
        #expect(PCIAddress("00:20.0") == nil)  // device > 31
        #expect(PCIAddress("00:04.8") == nil)
    }

    @Test func quantitiesCompareAcrossUnits() throws {
        let downtime = try #require(Quantity("18 milliseconds"))
        #expect(downtime.unit == .ms)
        let second = try #require(Quantity("1s"))
        #expect(downtime.base < second.base)
        #expect(try #require(Quantity("14.88Mpps")).converted(to: .pps) == 14_880_000)
        #expect(try #require(Quantity("3072MiB")).converted(to: .GiB) == 3)
        #expect(try #require(Quantity("0.5%")).unit.dimension == .percent)
        #expect(Quantity("fast") == nil)
        #expect(Quantity("10 parsecs") == nil)
    }

    @Test func conditions() throws {
        let c = try Condition(parsing: "${nic} == niantic and ${launch} != libvirt or ${force}")
        #expect(c.holds(["nic": "niantic", "launch": "qemu", "force": "false"]))
        #expect(!c.holds(["nic": "fortville", "launch": "qemu", "force": "false"]))
        #expect(c.holds(["nic": "fortville", "launch": "libvirt", "force": "yes"]))
        #expect(throws: Condition.ParseError.self) { try Condition(parsing: "nic == niantic") }
        #expect(throws: Condition.ParseError.self) { try Condition(parsing: "${nic} == two words") }
    }

    @Test func vdevs() throws {
        let backend = try #require(VdevSpec("net_vhost0,iface=/tmp/sock0,client=1"))
        #expect(backend.socketPath == "/tmp/sock0")
        #expect(!backend.isServer)
        #expect(try #require(VdevSpec("eth_vhost0,iface=/tmp/s")).isServer)
        #expect(try #require(VdevSpec("virtio_user0,path=/dev/vhost-net,queue_size=1024")).socketPath == nil)
        #expect(try #require(VdevSpec("virtio_user0,path=/var/run/usvhost")).isServer == false)
        #expect(VdevSpec("iface=/tmp/x") == nil)
    }

    @Test func suggestions() {
        #expect(EditDistance.suggestion(for: "aftr", among: ["after", "always", "id"]) == "after")
        #expect(EditDistance.suggestion(for: "zzzzzz", among: ["after", "always"]) == nil)
        #expect(ForwarderVocabulary.knows("show port stats all"))
        #expect(ForwarderVocabulary.knows("set bonding primary 1 2"))
        #expect(!ForwarderVocabulary.knows("set bonding primary one 2"))
    }

    @Test func containerVolumesMapPaths() {
        let spec = ContainerSpec(
            host: Located("h", at: SourceLocation(file: "f", line: 1, column: 1)), image: nil,
            volumes: [Located("/tmp/sock0:/var/run/usvhost", at: SourceLocation(file: "f", line: 1, column: 1))], workdir: nil)
        #expect(spec.hostPath(for: "/var/run/usvhost") == "/tmp/sock0")
        #expect(spec.hostPath(for: "/elsewhere") == nil)
    }
}
