import Foundation
import Scenarios

/// A libvirtd (with its virtlogd) of a virtual lab host's own, so libvirt steps run their domains in
/// that host's namespace and two hosts are two libvirts a domain can migrate between.
///
/// It runs in the mount namespace `ip netns exec` gives it, where the host's working directory is bind-
/// mounted over /run/libvirt (its socket), and private directories over libvirt's state, cache, log and
/// configuration; the configuration is the machine's with a host UUID of its own (libvirt refuses to
/// migrate between two daemons with the same one) and QEMU run as root, as the PVP how-to's
/// `qemu-as-root` step sets on a real host (vhost-user sockets and the console are root's). The
/// machine's own libvirt is never touched.
struct NamespaceLibvirtd {
    let host: LabHost
    let ledger: Ledger

    private var runDirectory: String { (host.libvirtSocket as NSString).deletingLastPathComponent }
    private var stateDirectory: String { "\(host.workdir)/libvirtd" }

    /// Starts both daemons, records them in the ledger, and waits until libvirtd listens.
    func start() async throws {
        guard let namespace = host.namespace else { return }
        let run = runDirectory, state = stateDirectory
        let binds = [
            (run, "/run/libvirt"), ("\(state)/lib", "/var/lib/libvirt"), ("\(state)/cache", "/var/cache/libvirt"),
            ("\(state)/log", "/var/log/libvirt"), ("\(state)/etc", "/etc/libvirt"),
        ]
        let inside =
            binds.map { "mount --bind \($0.0) \($0.1)" }.joined(separator: " && ")
            + " && virtlogd -d -p \(state)/virtlogd.pid && libvirtd -d -p \(state)/libvirtd.pid"
        let script = """
            set -e
            rm -rf \(run) \(state)
            mkdir -p \(binds.map { "\($0.0) \($0.1)" }.joined(separator: " "))
            cp -a /etc/libvirt/. \(state)/etc/
            echo 'host_uuid = "\(UUID().uuidString.lowercased())"' >> \(state)/etc/libvirtd.conf
            printf 'user = "root"\ngroup = "root"\n' >> \(state)/etc/qemu.conf
            ip netns exec \(namespace) sh -c \(Shell.quote(inside))
            """
        await ledger.record(
            kind: "libvirtd", name: "libvirtd in \(namespace)",
            // Both daemons stopped (within 5 s), then their sockets and state go too.
            undo: [
                "sh", "-c",
                "p=$(cat \(state)/libvirtd.pid \(state)/virtlogd.pid 2>/dev/null); kill $p 2>/dev/null; "
                    + "for _ in $(seq 50); do kill -0 $p 2>/dev/null || break; sleep 0.1; done; rm -rf \(run) \(state); true",
            ])
        let result = try await LocalExecutor.run(["sh", "-c", script], timeout: .seconds(60))
        guard result.status == 0 else {
            throw LabSetupError("libvirtd in \(namespace): \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines).suffix(400))")
        }
        for _ in 0..<300 {
            if FileManager.default.fileExists(atPath: host.libvirtSocket) { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        let log = (try? String(contentsOfFile: "\(state)/log/libvirtd.log", encoding: .utf8)) ?? ""
        throw LabSetupError("libvirtd in \(namespace) did not listen on \(host.libvirtSocket) within 30 s\(log.isEmpty ? "" : ": \(log.suffix(300))")")
    }
}
