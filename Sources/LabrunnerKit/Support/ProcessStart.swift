import Foundation

/// A process as the kernel tells it apart: its pid and the clock tick it started at. A ledger's kill
/// carries both, so that a pid the kernel gave to a later process is never killed by `cleanup`.
struct ProcessStart: Sendable {
    let pid: pid_t
    /// Field 22 of /proc/PID/stat (start time in clock ticks since boot), nil once the process is gone.
    let ticks: String?

    init(_ pid: pid_t) {
        self.pid = pid
        ticks = Self.ticks(of: pid)
    }

    /// A process as recorded earlier.
    init(pid: pid_t, ticks: String?) {
        self.pid = pid
        self.ticks = ticks
    }

    static func ticks(of pid: pid_t) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8), let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > 19 ? String(fields[19]) : nil
    }

    /// A shell test that holds unless the pid now belongs to another process. With the process gone the
    /// test holds: the kernel reuses no pid that still names a live process group or session, so a
    /// group or session kill then reaches only what is left of ours.
    var stillOurs: String {
        guard let ticks else { return "true" }
        return "t=$(sed 's/.*) //' /proc/\(pid)/stat 2>/dev/null | cut -d' ' -f20); [ -z \"$t\" ] || [ \"$t\" = \(ticks) ]"
    }

    /// The undo that kills the process's group (or, with `session`, its session), guarded by `stillOurs`.
    func killUndo(session: Bool = false) -> [String] {
        let kill = session ? "pkill -KILL -s \(pid)" : "kill -s KILL -- -\(pid) 2>/dev/null"
        return ["sh", "-c", "\(stillOurs) && \(kill); true"]
    }
}
