import Foundation
import Scenarios

/// A container role on the virtual lab, without an image or a container engine: a process that holds
/// mount, PID, UTS and IPC namespaces of its own inside its host's network namespace (as `docker run
/// --network host` would). It gets a private /run and /dev, its hostname, and its volumes bound in; a
/// volume of the host's hugepage mount gets a hugetlbfs of its own when the host has none mounted
/// (hugetlbfs mounts share the kernel's one pool of pages). Commands enter it with nsenter, as
/// `docker exec` would. The root file system is the machine's, read as it is.
struct ContainerJail {
    let plan: ContainerPlan
    let ledger: Ledger

    /// Starts the container, records it in the ledger, and returns the PID (on this machine) of its
    /// first process, which commands enter through.
    func start() async throws -> Int32 {
        let d = plan.directory
        try? FileManager.default.removeItem(atPath: d)
        try FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
        for volume in plan.volumes where !FileManager.default.fileExists(atPath: volume.source) && volume.source != plan.hugepageMount {
            throw LabSetupError(
                "container \(plan.name): volume \(volume.source):\(volume.target) — \(volume.source) does not exist yet; start what creates it (a vhost-user server, say) before the container's first step"
            )
        }
        for volume in plan.volumes where Self.ownPath(volume.target) == nil && !FileManager.default.fileExists(atPath: volume.target) {
            throw LabSetupError(
                "container \(plan.name): volume \(volume.source):\(volume.target) — on the virtual lab a volume goes under /run or /dev (the container's own) or onto a path that exists; \(volume.target) does not"
            )
        }
        let launch =
            "ip netns exec \(plan.namespace) unshare --mount --uts --ipc --pid --fork --mount-proc --propagation private sh -c \(Shell.quote(setupScript)) > \(d)/log 2>&1 & echo $!"
        let started = try await LocalExecutor.run(["sh", "-c", launch], timeout: .seconds(10))
        guard let outer = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw LabSetupError("container \(plan.name): could not start (\(started.stderr.suffix(300)))")
        }
        await ledger.record(
            kind: "container", name: "\(plan.name) in \(plan.namespace) (pid \(outer))",
            undo: ["sh", "-c", "\(ProcessStart(outer).stillOurs) && { pkill -KILL -P \(outer); kill -KILL \(outer) 2>/dev/null; }; true"])
        for _ in 0..<100 {
            let log = (try? String(contentsOfFile: "\(d)/log", encoding: .utf8)) ?? ""
            if log.contains("container ready") {
                let child = try await LocalExecutor.run(["pgrep", "-P", "\(outer)"], timeout: .seconds(5)).stdout
                if let pid = child.split(separator: "\n").first.flatMap({ Int32($0) }) { return pid }
            }
            if kill(outer, 0) != 0 {
                throw LabSetupError("container \(plan.name) did not start: \(log.trimmingCharacters(in: .whitespacesAndNewlines).suffix(400))")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw LabSetupError("container \(plan.name) was not ready within 5 s")
    }

    /// A target under the container's own /run (or /var/run, its symlink) or /dev, as a path there;
    /// nil for a target elsewhere (which must exist).
    private static func ownPath(_ target: String) -> String? {
        let path = target == "/var/run" || target.hasPrefix("/var/run/") ? String(target.dropFirst(4)) : target
        return ["/run", "/dev"].contains { path == $0 || path.hasPrefix($0 + "/") } ? path : nil
    }

    /// Builds the private /run and /dev in the container's directory, binds the volumes into them (or
    /// onto existing paths elsewhere), moves both into place, and then waits forever as PID 1.
    private var setupScript: String {
        let d = plan.directory
        var lines = [
            "set -e",
            "hostname \(Shell.quote(plan.name))",
            "mkdir -p \(d)/run \(d)/dev",
            "mount -t tmpfs lrrun \(d)/run",
            "mount -t tmpfs -o mode=755 lrdev \(d)/dev",
            "for n in null zero full random urandom tty; do touch \(d)/dev/$n; mount --bind /dev/$n \(d)/dev/$n; done",
            "mkdir \(d)/dev/pts \(d)/dev/shm && mount --bind /dev/pts \(d)/dev/pts && mount -t tmpfs lrshm \(d)/dev/shm",
            "ln -s /proc/self/fd \(d)/dev/fd",
        ]
        for volume in plan.volumes {
            let target = Self.ownPath(volume.target).map { d + $0 } ?? volume.target
            let t = Shell.quote(target), s = Shell.quote(volume.source)
            if !FileManager.default.fileExists(atPath: volume.source) {
                lines.append("mkdir -p \(t) && mount -t hugetlbfs lrhuge \(t)")
            } else if (try? FileManager.default.attributesOfItem(atPath: volume.source)[.type] as? FileAttributeType) == .typeDirectory {
                lines.append("mkdir -p \(t) && mount --bind \(s) \(t)")
            } else {
                lines.append("mkdir -p \"$(dirname \(t))\" && touch \(t) && mount --bind \(s) \(t)")
            }
        }
        lines += ["mount -n --move \(d)/dev /dev", "mount -n --move \(d)/run /run", "echo container ready", "exec sleep infinity"]
        return lines.joined(separator: "\n")
    }
}
