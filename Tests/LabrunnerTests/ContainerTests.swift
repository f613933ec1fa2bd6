import Foundation
import Testing

/// Container roles on the virtual lab: namespaces of their own inside their host's network namespace,
/// their volumes bound in, entered by every step and session on them, and removed with the run.
@Suite struct ContainerTests {
    @Test func aContainerHasItsOwnRunDevPidsAndHostnameAndSeesItsVolumes() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let shared = lab.directory.appendingPathComponent("shared")
        try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: true)
        try "from the host\n".write(to: shared.appendingPathComponent("note"), atomically: true, encoding: .utf8)
        let file = try lab.scenario(
            """
            name: container
            title: A container on h1
            roles:
              h1: {kind: host}
              box:
                kind: container
                host: h1
                volumes: ["\(shared.path):/var/run/shared", "\(shared.path)/note:/dev/note"]
            sessions:
              term: {on: box}
            steps:
              - {id: host-net, on: h1, run: "ip link add lrdummy type veth peer name lrdummy1"}
              - {id: hostname, on: box, run: hostname, expect: {contains: box}}
              - {id: pid-one, on: box, run: "cat /proc/1/cmdline | tr '\\\\0' ' '", expect: {contains: "sleep infinity"}}
              - {id: own-run, on: box, run: "ls -A /run", expect: {contains: shared, not_contains: labrunner}}
              - {id: volume, on: box, run: "cat /var/run/shared/note /dev/note", expect: {contains: "from the host"}}
              - {id: writes-through, on: box, run: "echo from the container > /run/shared/reply"}
              - {id: host-network, after: [host-net], on: box, run: "ip -o link show lrdummy", expect: {contains: lrdummy}}
              - {id: session, on: term, send: "echo $(hostname) in $(readlink /proc/self/ns/pid)", expect: {contains: box in pid}}
            """)
        let result = lab.run(file)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect((try? String(contentsOf: shared.appendingPathComponent("reply"), encoding: .utf8)) == "from the container\n")
        #expect(!FileManager.default.fileExists(atPath: "/run/shared"))
        #expect(lab.leftoverProcesses().isEmpty)
        #expect(lab.namespaces().isEmpty)
    }

    @Test func aVolumeWhoseSourceIsMissingIsAClearError() throws {
        let lab = try LabFixture()
        defer { lab.tearDown() }
        let file = try lab.scenario(
            """
            name: container-missing
            title: A volume nobody created
            roles:
              h1: {kind: host}
              box: {kind: container, host: h1, volumes: ["\(lab.directory.path)/nothing:/run/thing"]}
            steps:
              - {id: inside, on: box, run: "true"}
            """)
        let result = lab.run(file)
        #expect(result.status != 0)
        #expect(result.stdout.contains("container box: volume \(lab.directory.path)/nothing:/run/thing"), "\(result.stdout)")
        #expect(result.stdout.contains("does not exist yet"), "\(result.stdout)")
        #expect(lab.namespaces().isEmpty)
    }
}
