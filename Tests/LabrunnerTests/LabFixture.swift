import Foundation

/// A temporary directory with a virtual lab whose namespaces carry a unique prefix, so tests never
/// touch each other's (or anyone's) namespaces; `namespaces()` lists what is left of them.
struct LabFixture {
    let directory: URL
    let prefix: String

    /// `guest`: the directory of the tiny guest image to boot VMs with.
    /// `capabilities`: what the lab offers beyond TCG and TAP.
    /// `memoryBacking`: the lab's guest memory backing, if not the virtual lab's default (memfd).
    /// `emulate`: the parts the lab emulates (`flow-steering`).
    /// `overSSH`: the lab in SSH mode (an sshd in each host's namespace, reached only over SSH).
    init(guest: String? = nil, capabilities: [String] = [], memoryBacking: String? = nil, emulate: [String] = [], overSSH: Bool = false) throws {
        prefix = "lt" + String(UUID().uuidString.prefix(6)).lowercased()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-\(prefix)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let boot =
            (guest.map { ", guest_kernel: \($0)/vmlinux, guest_initrd: \($0)/initrd.img, guest_fastpath: \($0)/fastpath.img" } ?? "")
            + (memoryBacking.map { ", memory_backing: \($0)" } ?? "") + (emulate.isEmpty ? "" : ", emulate: [\(emulate.joined(separator: ", "))]")
            + (overSSH ? ", reach: ssh" : "")
        try """
        name: test-lab
        kind: virtual
        capabilities: [\((["tcg", "tap"] + capabilities).joined(separator: ", "))]
        virtual: {namespace_prefix: \(prefix), subnet: 198.51.100.0/24, workdir: \(directory.path)/work\(boot)}
        """.write(to: lab, atomically: true, encoding: .utf8)
    }

    var lab: URL { directory.appendingPathComponent("lab.yaml") }
    var runs: URL { directory.appendingPathComponent("runs") }

    /// Writes a scenario file and returns its path.
    func scenario(_ text: String, name: String = "scenario.yaml") throws -> String {
        let url = directory.appendingPathComponent(name)
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    /// `labrunner run FILE` on this lab, reports in `runs`, with extra options.
    func run(_ file: String, _ options: String...) -> CLI.Output { run(file, options) }

    private func run(_ file: String, _ options: [String]) -> CLI.Output {
        CLI.run(["run", file, "--lab", lab.path, "--report", runs.path] + options)
    }

    /// `run(_:_:)` for how-tos that boot guests, run once more when the first run's QEMU died of the TCG
    /// bug QEMU 10.0.2 shows now and then while a guest boots (`qemuBug`; 6 times in 40-odd CI runs of
    /// the guest tests, always before the guest's shell came up): a QEMU crash, not labrunner's failure,
    /// so it is reported on standard error and the test judges the second run alone.
    func runBootingGuests(_ file: String, _ options: String...) -> CLI.Output { runBootingGuests(file, options) }

    func runBootingGuests(_ file: String, _ options: [String]) -> CLI.Output {
        let first = run(file, options)
        guard first.status != 0, !CLI.shell("grep -rls '\(Self.qemuBug)' \(directory.path)").isEmpty else { return first }
        FileHandle.standardError.write(Data("QEMU died of its TCG assertion (\(Self.qemuBug)) in \(file): running it once more\n".utf8))
        _ = CLI.run(["cleanup", "--report", runs.path])
        try? FileManager.default.removeItem(at: runs)
        _ = CLI.shell("find \(directory.path) -name '*.log' -path '*qemu*' -delete")
        return run(file, options)
    }

    /// What QEMU prints when its TCG's memory map and a vCPU's TLB disagree (system/physmem.c).
    static let qemuBug = "iotlb_to_section: Assertion"

    /// Starts `labrunner run FILE` on this lab without waiting.
    func start(_ file: String) throws -> (Process, Pipe, Pipe) {
        try CLI.start(["run", file, "--lab", lab.path, "--report", runs.path])
    }

    /// This fixture's namespaces that exist now.
    func namespaces() -> [String] {
        let list = CLI.shell("ip netns list")
        return list.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }.filter { $0.hasPrefix(prefix) }
    }

    /// The run directory of the (single) run.
    func runDirectory() throws -> URL {
        try FileManager.default.contentsOfDirectory(at: runs, includingPropertiesForKeys: nil)[0]
    }

    /// The (single) run's run.json.
    func runJSON() throws -> [String: Any] {
        let data = try Data(contentsOf: try runDirectory().appendingPathComponent("run.json"))
        return try JSONSerialization.jsonObject(with: data) as? [String: Any] ?? [:]
    }

    /// What step `id` of the (single) run printed (its steps/ID.log).
    func stepLog(_ id: String) throws -> String {
        try String(contentsOf: try runDirectory().appendingPathComponent("steps/\(id).log"), encoding: .utf8)
    }

    /// For a failed run's message: the end of every VM's QEMU log, every session's log (FastPath's
    /// vhost-user messages among them) and libvirt's domain logs, from the runs and the hosts' directories.
    func evidence() -> String {
        CLI.shell(
            "for f in $(find \(directory.path) \\( -path '*/vms/*.log' -o -path '*/sessions/*.log' -o -path '*/libvirtd/log/qemu/*.log' \\) 2>/dev/null); do echo \"== $f\"; tail -c 1500 $f; done"
        )
    }

    /// Processes still running that name this fixture's directory (a daemon, a QEMU, a container).
    func leftoverProcesses() -> String {
        CLI.shell("pgrep -af '[/]\(directory.path.dropFirst())' || true")
    }

    /// Removes the directory and anything this fixture's runs left.
    func tearDown() {
        _ = CLI.run(["cleanup", "--report", runs.path])
        for ns in namespaces() { _ = CLI.shell("ip netns del \(ns)") }
        try? FileManager.default.removeItem(at: directory)
    }
}
