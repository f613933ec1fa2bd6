import Foundation
import Logging
import Scenarios

/// A run's lease on a lab host it reaches over SSH, kept on the host itself so that two runs (two
/// engineers, or a nightly and a desk run) never use one host at once: a file holding the run's id,
/// who started it and where, since when and until when, in `lease` in the host's working directory,
/// read and written under flock(1) on the host. A run takes it when it first reaches the host; it is
/// renewed while the run lives and expires when it stops being renewed (a killed run's); the run
/// releases it at its end, and `labrunner cleanup` (the ledger's undo) does for a killed one. Only the
/// holder's release removes it.
struct HostLease: Sendable {
    /// How long a lease lasts unless renewed; it is renewed every third of it.
    static let lifetime: Duration = .seconds(300)

    /// The run's id (its directory's name) and who holds it (user@machine:pid).
    let run: String
    let holder: String
    /// Where on the host: `lease` in the host's working directory.
    let file: String

    /// Who holds a host when another run does.
    struct Held: Error, CustomStringConvertible {
        let host: String
        let run: String, holder: String
        let since: Date, until: Date

        var description: String {
            let time = ISO8601DateFormatter()
            return "host \(host) is leased by run \(run) (\(holder)) since \(time.string(from: since)), until \(time.string(from: until)) unless renewed; "
                + "wait for it with --wait-for-lab DURATION"
        }
    }

    init(run: String, workdir: String) {
        self.run = run.filter { !$0.isWhitespace }  // one word, as every field of the file
        file = workdir + "/lease"
        var name = [CChar](repeating: 0, count: 256)
        gethostname(&name, name.count)
        let user = ProcessInfo.processInfo.environment["SUDO_USER"] ?? ProcessInfo.processInfo.environment["USER"] ?? "uid\(getuid())"
        let machine = String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        // One word each: the file's fields are separated by spaces.
        holder = "\(user)@\(machine):\(getpid())".filter { !$0.isWhitespace }
    }

    /// Takes the lease, or renews it if this run holds it; prints `held RUN HOLDER SINCE UNTIL` and
    /// fails when another run holds one that has not expired.
    var acquire: String {
        let (me, who) = (Shell.quote(run), Shell.quote(holder))
        return """
            command -v flock >/dev/null || { echo 'flock(1) is missing on this host (util-linux)' >&2; exit 2; }
            mkdir -p \(Shell.quote((file as NSString).deletingLastPathComponent)) && exec 9>\(quotedFile).lock && flock -w 10 9 || exit 2
            now=$(date +%s); since=$now
            if [ -f \(quotedFile) ] && read id holder started until < \(quotedFile); then
              if [ "$id" != \(me) ] && [ "$until" -gt "$now" ] 2>/dev/null; then echo "held $id $holder $started $until"; exit 3; fi
              [ "$id" = \(me) ] && since=$started
            fi
            printf '%s %s %s %s\\n' \(me) \(who) "$since" $((now + \(Self.lifetime.components.seconds))) > \(quotedFile).new && mv -f \(quotedFile).new \(quotedFile)
            """
    }

    /// Removes the lease if this run holds it.
    var release: String {
        let me = Shell.quote(run)
        return
            "[ -f \(quotedFile) ] || exit 0; exec 9>\(quotedFile).lock && flock -w 10 9 && read id rest < \(quotedFile) && if [ \"$id\" = \(me) ]; then rm -f \(quotedFile); fi; true"
    }

    private var quotedFile: String { Shell.quote(file) }

    /// Its ledger entry's name on `host`.
    func ledgerName(host: String) -> String { "\(host) for run \(run)" }

    /// Takes the lease on `host` (its release recorded in `ledger` first), retrying each second while
    /// another run holds it, up to `wait`; then fails saying who holds it.
    func take(on host: any RemoteHost, named name: String, waiting wait: Duration?, ledger: Ledger, logger: Logger) async throws {
        await ledger.record(kind: "lease", name: ledgerName(host: name), undo: host.argv(running: release))
        let deadline = ContinuousClock.now + (wait ?? .zero)
        while true {
            let result = try await host.exec(acquire, timeout: .seconds(30))
            if result.status == 0 {
                logger.info("leased host \(name) for run \(run)")
                return
            }
            guard let held = Self.held(by: result.stdout, host: name) else {
                throw StepError.setup("cannot lease host \(name): \((result.stderr + result.stdout).trimmingCharacters(in: .whitespacesAndNewlines))")
            }
            guard ContinuousClock.now < deadline else { throw StepError.setup(held.description) }
            logger.notice("\(held.description); waiting")
            try await Task.sleep(for: .seconds(1))
        }
    }

    /// The holder another run's lease names, from `acquire`'s output.
    static func held(by output: String, host: String) -> Held? {
        guard let line = output.split(separator: "\n").first(where: { $0.hasPrefix("held ") }) else { return nil }
        let f = line.split(separator: " ").map(String.init)
        guard f.count == 5, let since = Double(f[3]), let until = Double(f[4]) else { return nil }
        return Held(host: host, run: f[1], holder: f[2], since: Date(timeIntervalSince1970: since), until: Date(timeIntervalSince1970: until))
    }
}
