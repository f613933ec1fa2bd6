import Foundation
import Scenarios

/// A lab host reached with the `ssh` binary, multiplexed through ControlMaster (one TCP connection,
/// a new channel per command): for users whose ~/.ssh/config (proxies, certificates, agents) must apply.
struct OpenSSHHost: RemoteHost {
    let options: SSHOptions
    /// Where the ControlMaster socket lives.
    let controlPath: String

    var name: String { "openssh \(options.user)@\(options.host)" }

    /// A jump host becomes a ProxyCommand: an `ssh -W` to the jump host with the same key and
    /// known_hosts (ProxyJump would not pass them on), run from the jump's namespace.
    private var proxy: [String] {
        guard let hop = options.via.last else { return [] }
        let command = [
            "ssh", "-q", "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=\(hop.knownHosts)",
            "-o", "StrictHostKeyChecking=\(hop.acceptNewHostKeys ? "accept-new" : "yes")", "-i", hop.privateKey,
            "-p", "\(hop.port)", "-W", "%h:%p", "\(hop.user)@\(hop.host)",
        ]
        return ["-o", "ProxyCommand=\(Shell.join(command))"]
    }

    /// The namespace the ssh binary runs in: the jump host's when there is one.
    var namespace: String? { options.via.last?.namespace ?? options.namespace }

    /// `ssh` with the lab's key, known_hosts, port, timeouts and jump host, and no prompts; the
    /// destination comes after it.
    var client: [String] {
        ["ssh", "-q"] + proxy + [
            "-o", "BatchMode=yes", "-o", "UserKnownHostsFile=\(options.knownHosts)",
            "-o", "StrictHostKeyChecking=\(options.acceptNewHostKeys ? "accept-new" : "yes")",
            "-o", "ConnectTimeout=\(options.connectTimeout.components.seconds)", "-o", "ServerAliveInterval=\(options.keepalive)",
            "-i", options.privateKey, "-p", "\(options.port)",
        ]
    }

    private var sshArguments: [String] {
        client + ["-o", "ControlMaster=auto", "-o", "ControlPath=\(controlPath)", "-o", "ControlPersist=600", "\(options.user)@\(options.host)"]
    }

    /// The command that stops the ControlMaster this host starts, and waits (up to 5 s) until the
    /// master and its jump-host ProxyCommand have exited: `-O exit` only asks (for the ledger).
    var stopMaster: [String] {
        let exit = Shell.join(Namespace.exec(namespace, ["ssh", "-o", "ControlPath=\(controlPath)", "-O", "exit", "\(options.user)@\(options.host)"]))
        // The bracket keeps pgrep from matching this script's own command line.
        var patterns = ["[C]ontrolPath=\(controlPath)"]
        if options.via.last != nil { patterns.append("[-]W \(options.host):\(options.port)") }
        let running = patterns.map { "pgrep -f \(Shell.quote($0)) >/dev/null" }.joined(separator: " || ")
        return ["sh", "-c", "\(exit) 2>/dev/null; i=0; while [ $i -lt 100 ] && { \(running); }; do sleep 0.05; i=$((i + 1)); done; true"]
    }

    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult {
        let argv = Namespace.exec(namespace, sshArguments + ["--", command])
        let result = try await LocalExecutor.run(argv, timeout: timeout)
        // ssh exits 255 for its own failures (the remote command's status otherwise).
        if result.status == 255 && !result.timedOut {
            throw SSHError.cannotConnect(host: options.host, reason: result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return result
    }

    /// Through `ssh` of its own (no ControlMaster: the ledger may run it after the master stopped).
    func argv(running line: String) -> [String] {
        Namespace.exec(namespace, client + ["\(options.user)@\(options.host)", "--", line])
    }

    func openSession(log: URL) async throws -> any InteractiveSession {
        let argv = Namespace.exec(namespace, sshArguments + ["-tt"])
        let session = try PTYSession(argv: argv, log: log)
        try await RemoteShell.prepare(session)
        return session
    }
}
