import Foundation
import Scenarios

/// How labrunner's own connection to a lab host's `qemu+ssh://` libvirt proves who it is and who the
/// host is: libvirt runs `ssh` itself, which would read the user's ~/.ssh (keys, known_hosts) and not
/// the lab file's. The URI's `command=` names a script in the run directory that runs ssh with the
/// host's key, known_hosts, port and jump host, from its namespace, with prompts off.
enum LibvirtSSHTransport {
    /// `uri` as labrunner connects to it: unchanged unless it is an SSH transport without a `command=`
    /// of its own; then the script is written (0700) to `directory` and named in the URI.
    static func uri(_ uri: String, host: String, options: SSHOptions, directory: URL) throws -> String {
        guard let scheme = uri.split(separator: ":", maxSplits: 1).first, scheme.hasSuffix("+ssh"), !uri.contains("command=") else { return uri }
        let ssh = OpenSSHHost(options: options, controlPath: "")
        let script = directory.appendingPathComponent("libvirt-ssh-\(host)")
        let text = "#!/bin/sh\nexec \(Shell.join(Namespace.exec(ssh.namespace, ssh.client))) \"$@\"\n"
        try text.write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o700)
        let path = script.path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "&=?+"))) ?? script.path
        return uri + (uri.contains("?") ? "&" : "?") + "command=\(path)&no_tty=1"
    }
}
