import Foundation
import Logging
import Scenarios

/// Puts labrunner's FastPath on an SSH lab host before a forwarder starts there. The host's own
/// `labrunner` is used when it is this labrunner's version; else `<workdir>/fastpath-<build>` is used
/// when `sha256sum -c` finds every file of this build in it; else the bundle is copied there (into a
/// partial directory that is checked and then renamed, so a copy cut short is never used), and the
/// ledger removes it at the run's end or by `labrunner cleanup`. A copy found there is not this run's
/// to remove.
struct FastPathDeployment {
    /// Where the forwarder's `labrunner fastpath …` comes from.
    enum Source: Equatable {
        /// The host's PATH has labrunner at this version: the line runs as planned.
        case hostsOwn
        /// A copy of this build was already in this directory.
        case found(String)
        /// This run copied the bundle to this directory.
        case copied(String)

        /// The directory whose `labrunner` the line runs, nil for the host's own.
        var directory: String? {
            switch self {
            case .hostsOwn: nil
            case .found(let d), .copied(let d): d
            }
        }
    }

    let host: any RemoteHost
    let hostName: String
    let workdir: String
    let bundle: FastPathBundle
    let ledger: Ledger
    let logger: Logger

    /// Makes FastPath reachable on the host within `limit` (each remote command and each file's copy).
    func deploy(within limit: Duration) async throws -> Source {
        let own = try await host.exec("labrunner --version 2>/dev/null", timeout: limit)
        if own.status == 0, own.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "labrunner \(LabrunnerVersion.current)" {
            logger.info("FastPath on \(hostName): its own labrunner \(LabrunnerVersion.current)")
            return .hostsOwn
        }
        let directory = "\(workdir)/fastpath-\(bundle.build)"
        let (dir, partial) = (Shell.quote(directory), Shell.quote(directory + ".partial"))
        if try await host.exec("cd \(dir) 2>/dev/null && sha256sum --quiet --strict -c .manifest", timeout: limit).status == 0 {
            logger.info("FastPath on \(hostName): build \(bundle.build) found in \(directory)")
            return .found(directory)
        }
        guard let ssh = host as? SSHHost else {
            throw StepError.setup(
                "FastPath is copied to lab hosts over the libssh2 transport, and host \(hostName) uses \(host.name): install labrunner \(LabrunnerVersion.current) on its PATH, or set the lab's fastpath: to a FastPath it has"
            )
        }
        // In the ledger before anything is written: a run killed mid-copy leaves nothing behind either.
        await ledger.record(kind: "copy", name: "FastPath build \(bundle.build) on \(hostName)", undo: host.argv(running: "rm -rf \(dir) \(partial)"))
        let prepared = try await host.exec("rm -rf \(partial) && mkdir -p \(partial)/lib", timeout: limit)
        guard prepared.status == 0 else { throw StepError.setup("cannot create \(directory).partial on \(hostName): \(prepared.stderr.suffix(300))") }
        for file in bundle.files {
            try await ssh.upload(file.source, to: "\(directory).partial/\(file.name)", mode: file.mode, timeout: limit)
        }
        let manifest = FileManager.default.temporaryDirectory.appendingPathComponent("labrunner-manifest-\(UUID().uuidString)")
        try bundle.manifest.write(to: manifest, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: manifest) }
        try await ssh.upload(manifest.path, to: "\(directory).partial/.manifest", mode: "644", timeout: limit)
        let checked = try await host.exec("cd \(partial) && sha256sum --quiet --strict -c .manifest && rm -rf \(dir) && mv \(partial) \(dir)", timeout: limit)
        guard checked.status == 0 else {
            throw StepError.setup("the copy of FastPath on \(hostName) does not match what was sent: \((checked.stdout + checked.stderr).suffix(300))")
        }
        logger.info("FastPath on \(hostName): build \(bundle.build) copied to \(directory)")
        return .copied(directory)
    }
}
