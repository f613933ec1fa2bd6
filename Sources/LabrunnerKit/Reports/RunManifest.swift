import FastPathCLI
import Foundation
import Scenarios

/// What a run needs to be reproduced, written to its directory as manifest.json: labrunner's version and
/// commit, every file the scenario and lab were compiled from with its SHA-256, every param with its
/// value and where it came from, and the kernel, QEMU, DPDK and CPU of the machine the virtual lab ran on.
struct RunManifest {
    let json: JSONValue

    /// Gathers it (running a few version commands on this machine).
    static func collect(graph: StepGraph, sources: [SourceFile], labFile: String?) async -> RunManifest {
        let installation = Installation.current
        let git = ["git", "-C", installation.directory]
        let commit = await output(git + ["rev-parse", "HEAD"])
        let dirty = await output(git + ["status", "--porcelain", "--untracked-files=no"])
        let files: [JSONValue] = sources.map { source in
            .object([("path", .string(source.path)), ("sha256", .string(SHA256.hex(Array(source.text.utf8))))])
        }
        let params: [JSONValue] = graph.params.map { name, value in
            .object([("name", .string(name)), ("value", .string(value)), ("source", .string(graph.paramSources[name]?.description ?? "scenario"))])
        }
        var hosts: [(String, JSONValue)] = []
        let bound = Dictionary(graph.bindings.values.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        if graph.virtualLab {
            let qemu = await output(["sh", "-c", "qemu-system-x86_64 --version | head -1"])
            let dpdk = await output(["sh", "-c", "pkg-config --modversion libdpdk 2>/dev/null || dpkg-query -W -f='${Version}' dpdk 2>/dev/null"])
            let cpu = await output(["sh", "-c", "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2-"])
            let kernel = (try? String(contentsOfFile: "/proc/sys/kernel/osrelease", encoding: .utf8)) ?? ""
            let machine: JSONValue = .object([
                ("kernel", .string(kernel.trimmingCharacters(in: .whitespacesAndNewlines))), ("qemu", value(qemu)), ("dpdk", value(dpdk)),
                ("forwarder", .string("FastPath \(LabrunnerVersion.current)")), ("cpu", value(cpu)),
            ])
            hosts = bound.keys.sorted().map { ($0, machine) }
        } else {
            hosts = bound.keys.sorted().map {
                ($0, .object([("probed", .bool(false)), ("why", .string("reached over SSH: its versions are what the scenario's steps capture"))]))
            }
        }
        return RunManifest(
            json: .object([
                (
                    "labrunner",
                    .object([
                        ("version", .string(LabrunnerVersion.current)), ("commit", value(commit)), ("modified", .bool(!(dirty ?? "").isEmpty)),
                    ])
                ),
                ("scenario", .string(graph.scenario)), ("lab", .string(graph.lab)),
                ("lab_file", labFile.map(JSONValue.string) ?? .string("embedded virtual lab")),
                ("files", .array(files)), ("params", .array(params)), ("hosts", .object(hosts)),
            ]))
    }

    private static func value(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

    /// A command's trimmed output, nil when it fails or prints nothing.
    private static func output(_ argv: [String]) async -> String? {
        guard let result = try? await LocalExecutor.run(argv, timeout: .seconds(10)), result.status == 0 else { return nil }
        let text = result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        return text.isEmpty ? nil : text
    }
}
