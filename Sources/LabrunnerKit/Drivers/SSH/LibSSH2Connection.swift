import CLibSSH2
import CSystem
import Foundation
import Logging
import Scenarios

#if canImport(Glibc)
import Glibc
#endif

/// One persistent SSH connection through libssh2 — the only file that imports it. Every libssh2 call
/// runs on the connection's own thread (DedicatedThread). Commands run on channels of the one session; a
/// dropped connection is re-established before the next command. The host key is checked against
/// known_hosts; keys are ed25519 or ECDSA (libssh2 1.10 signs RSA with SHA-1, which OpenSSH 9 refuses).
final class LibSSH2Connection: @unchecked Sendable {
    let options: SSHOptions
    private let logger: Logger?
    private let worker: DedicatedThread
    // Touched only on the worker thread.
    private var session: OpaquePointer?
    private var socket: Int32 = -1
    private var enteredNamespace = false

    private static let initialize: Void = { _ = libssh2_init(0) }()
    private static let eagain = Int32(LIBSSH2_ERROR_EAGAIN)

    /// A connection to `options.host`, made on first use; `logger` records connects, reconnects and failures.
    init(options: SSHOptions, logger: Logger? = nil) {
        _ = Self.initialize
        self.options = options
        self.logger = logger
        self.worker = DedicatedThread(name: "ssh \(options.host)")
    }

    deinit {
        let (session, socket) = (self.session, self.socket)
        if let session {
            libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "bye", "")
            libssh2_session_free(session)
        }
        if socket >= 0 { Glibc.close(socket) }
        worker.stop()
    }

    /// Connects now (otherwise the first command connects), with bounded retries and backoff.
    func connect() async throws {
        try await worker.run { [self] in try connectWithRetries() }
    }

    /// Runs `command`; kills it on the host when `timeout` passes, or when the calling task is cancelled
    /// (Ctrl-C), and then throws CancellationError once it has ended.
    func exec(_ command: String, timeout: Duration?) async throws -> ExecResult {
        let cancel = CancelFlag()
        let result = try await withTaskCancellationHandler {
            try await worker.run { [self] in try execOnWorker(command, timeout: timeout, cancel: cancel) }
        } onCancel: {
            cancel.set()
        }
        if cancel.isSet { throw CancellationError() }
        return result
    }

    /// Copies the local file `source` to `path` on the host with `mode` (SCP), creating its directory.
    /// The bytes go to a hidden file beside `path`, renamed over it once all have arrived: a copy that
    /// fails (the host drops, `timeout` passes, the task is cancelled) never leaves a half-written
    /// `path`, and its partial file is removed (reconnecting if need be) or named in the error.
    func upload(file source: String, to path: String, mode: Int32 = 0o644, timeout: Duration?) async throws {
        let cancel = CancelFlag()
        do {
            try await withTaskCancellationHandler {
                try await worker.run { [self] in try uploadOnWorker(source, path: path, mode: mode, timeout: timeout, cancel: cancel) }
            } onCancel: {
                cancel.set()
            }
        } catch {
            throw cancel.isSet ? CancellationError() : error
        }
    }

    /// Opens an interactive shell on a PTY (for sessions); returns its handle.
    func openShell() async throws -> Int {
        try await worker.run { [self] in
            if session == nil || peerClosed() {
                if session != nil { logger?.notice("ssh: \(options.host) closed the idle connection; reconnecting") }
                try connectWithRetries()
            }
            guard let session else { throw SSHError.disconnected(host: options.host, reason: "not connected") }
            let deadline = ContinuousClock.now + options.connectTimeout
            let channel = try openChannel(session, deadline: deadline)
            for step in [{ lr_ssh2_channel_request_pty(channel, "dumb") }, { lr_ssh2_channel_shell(channel) }] {
                while true {
                    let rc = step()
                    if rc == 0 { break }
                    if rc != Self.eagain {
                        libssh2_channel_free(channel)
                        throw SSHError.channel(host: options.host, reason: lastError())
                    }
                    try waitSocket(session, until: deadline)
                }
            }
            nextShell += 1
            shells[nextShell] = channel
            return nextShell
        }
    }

    /// What the shell printed since the last call; nil once it has ended.
    func readShell(_ id: Int) async throws -> [UInt8]? {
        try await worker.run { [self] in
            guard let channel = shells[id] else { return nil }
            var out: [UInt8] = []
            var buffer = [CChar](repeating: 0, count: 16384)
            while true {
                let n = lr_ssh2_channel_read(channel, &buffer, buffer.count)
                if n > 0 {
                    out += buffer[0..<n].map { UInt8(bitPattern: $0) }
                    continue
                }
                if n < 0 && n != Int(Self.eagain) { throw SSHError.disconnected(host: options.host, reason: lostReason()) }
                break
            }
            if out.isEmpty && libssh2_channel_eof(channel) == 1 { return nil }
            return out
        }
    }

    /// Types into the shell.
    func writeShell(_ id: Int, _ text: String) async throws {
        try await worker.run { [self] in
            guard let channel = shells[id], let session else { throw SSHError.channel(host: options.host, reason: "the shell has ended") }
            let bytes = Array(text.utf8)
            let deadline = ContinuousClock.now + TerminalStream.sendLimit
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { lr_ssh2_channel_write(channel, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
                if written > 0 {
                    offset += written
                    continue
                }
                if written != Int(Self.eagain) { throw SSHError.disconnected(host: options.host, reason: lostReason()) }
                if ContinuousClock.now >= deadline {
                    throw SSHError.channel(host: options.host, reason: "the remote shell took no input within \(TerminalStream.sendLimit)")
                }
                try waitSocket(session, until: deadline)
            }
        }
    }

    /// Ends the shell (the host hangs up its processes).
    func closeShell(_ id: Int) async {
        _ = try? await worker.run { [self] in
            if let channel = shells.removeValue(forKey: id) {
                _ = libssh2_channel_close(channel)
                libssh2_channel_free(channel)
            }
        }
    }

    /// A local socket connected, through this host's sshd (direct-tcpip), to `host:port`. A pump on this
    /// connection's thread moves the bytes; it ends when either side closes. Called from another
    /// connection's thread (the one using the tunnel), so it waits without async.
    func tunnelBlocking(to host: String, port: Int) throws -> Int32 {
        try pipeBlocking(to: "\(host):\(port)") { [self] session, deadline in
            var channel: OpaquePointer?
            while channel == nil {
                channel = lr_ssh2_channel_direct_tcpip(session, host, Int32(port))
                if channel == nil {
                    if libssh2_session_last_errno(session) != Self.eagain {
                        throw SSHError.cannotConnect(host: "\(host):\(port) via \(options.host)", reason: lastError())
                    }
                    try waitSocket(session, until: deadline)
                }
            }
            return channel!
        }
    }

    /// A local socket connected to a unix socket on the host (QEMU's QMP socket on a remote lab host):
    /// a command on the host relays between its stdin/stdout and the socket — socat where installed,
    /// else python3 — and this connection pumps the channel for as long as it lives (use a connection of
    /// its own). libssh2 1.10 has no direct-streamlocal channel to do it without a relay.
    func unixSocketBlocking(_ path: String) throws -> Int32 {
        let relay = Self.unixRelay(path)
        return try pipeBlocking(to: "unix:\(path)") { [self] session, deadline in
            let channel = try openChannel(session, deadline: deadline)
            while true {
                let rc = lr_ssh2_channel_exec(channel, relay)
                if rc == 0 { return channel }
                if rc != Self.eagain {
                    libssh2_channel_free(channel)
                    throw SSHError.channel(host: options.host, reason: lastError())
                }
                try waitSocket(session, until: deadline)
            }
        }
    }

    /// `unixSocketBlocking` from async code (it waits on a thread of its own).
    func unixSocket(_ path: String) async throws -> Int32 {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { [self] in continuation.resume(with: Result { try unixSocketBlocking(path) }) }
        }
    }

    /// The remote relay command for a unix socket.
    static func unixRelay(_ path: String) -> String {
        let python =
            "import socket,sys,os,select\ns=socket.socket(socket.AF_UNIX)\ns.connect(sys.argv[1])\nwhile True:\n r,_,_=select.select([0,s],[],[])\n if 0 in r:\n  d=os.read(0,65536)\n  if not d: break\n  s.sendall(d)\n if s in r:\n  d=s.recv(65536)\n  if not d: break\n  os.write(1,d)\n"
        let q = Shell.quote(path)
        return "if command -v socat >/dev/null 2>&1; then exec socat - UNIX-CONNECT:\(q); else exec python3 -c \(Shell.quote(python)) \(q); fi"
    }

    /// Opens a channel with `open` on this connection's thread and pumps it to a local socketpair end,
    /// which it returns.
    private func pipeBlocking(to target: String, _ open: @escaping @Sendable (OpaquePointer, ContinuousClock.Instant) throws -> OpaquePointer) throws -> Int32 {
        var pair: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else {
            throw SSHError.cannotConnect(host: target, reason: "socketpair: \(String(cString: strerror(errno)))")
        }
        let opened = DispatchSemaphore(value: 0)
        let failure = TunnelResult()
        let remoteEnd = pair[1]
        worker.start { [self] in
            do {
                if session == nil || peerClosed() { try connectWithRetries() }
                guard let session else { throw SSHError.disconnected(host: options.host, reason: "not connected") }
                let channel = try open(session, ContinuousClock.now + options.connectTimeout)
                opened.signal()
                pump(channel, local: remoteEnd, session: session)
            } catch {
                failure.error = error
                Glibc.close(remoteEnd)
                opened.signal()
            }
        }
        opened.wait()
        if let error = failure.error {
            Glibc.close(pair[0])
            throw error
        }
        return pair[0]
    }

    /// Copies bytes both ways between a local socket and a channel until either side closes.
    private func pump(_ channel: OpaquePointer, local: Int32, session: OpaquePointer) {
        defer {
            libssh2_channel_free(channel)
            Glibc.close(local)
        }
        var buffer = [CChar](repeating: 0, count: 32768)
        while true {
            var progressed = false
            let fromRemote = lr_ssh2_channel_read(channel, &buffer, buffer.count)
            if fromRemote > 0 {
                var offset = 0
                while offset < fromRemote {
                    let n = buffer.withUnsafeBytes { NonBlockingIO.writeQuietly(local, $0.baseAddress! + offset, fromRemote - offset) }
                    if n <= 0 { return }
                    offset += n
                }
                progressed = true
            } else if (fromRemote < 0 && fromRemote != Int(Self.eagain)) || libssh2_channel_eof(channel) == 1 {
                return
            }
            var descriptor = pollfd(fd: local, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 0) == 1 {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(local, $0.baseAddress!, $0.count) }
                if n <= 0 { return }
                var offset = 0
                while offset < n {
                    let written = buffer[offset..<n].withUnsafeBytes {
                        lr_ssh2_channel_write(channel, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                    }
                    if written > 0 { offset += written } else if written != Int(Self.eagain) { return } else { try? waitSocket(session, until: nil) }
                }
                progressed = true
            }
            if !progressed {
                sendKeepalive(session)
                // Wait for either side: the SSH socket or the local one.
                var both = [pollfd(fd: socket, events: Int16(POLLIN), revents: 0), pollfd(fd: local, events: Int16(POLLIN), revents: 0)]
                _ = poll(&both, 2, 100)
            }
        }
    }

    // MARK: - Worker thread

    private var shells: [Int: OpaquePointer] = [:]
    private var nextShell = 0
    private var tunnel: LibSSH2Connection?

    private func connectWithRetries() throws {
        var delay = 0.2
        var lastError: Error = SSHError.cannotConnect(host: options.host, reason: "no attempt")
        for attempt in 1...max(1, options.attempts) {
            do {
                try connectOnce()
                logger?.info("ssh: connected to \(options.user)@\(options.host):\(options.port)", metadata: ["attempt": "\(attempt)"])
                return
            } catch let error as SSHError {
                logger?.warning("ssh: \(options.host): \(error)", metadata: ["attempt": "\(attempt)"])
                lastError = error
                switch error {
                case .hostKeyChanged, .hostKeyUnknown, .authentication: throw error  // retrying cannot help
                default: break
                }
            }
            if attempt < options.attempts {
                Thread.sleep(forTimeInterval: delay)
                delay *= 2
            }
        }
        throw lastError
    }

    private func connectOnce() throws {
        teardown()
        if let namespace = options.namespace, !enteredNamespace {
            let fd = open("/var/run/netns/\(namespace)", O_RDONLY)
            guard fd >= 0, csystem_enter_netns(fd) == 0 else {
                throw SSHError.cannotConnect(host: options.host, reason: "cannot enter network namespace \(namespace)")
            }
            Glibc.close(fd)
            enteredNamespace = true
        }
        if let hop = options.via.last {
            // A connection of its own to the jump host: its thread pumps this tunnel for as long as it lives.
            var jumpOptions = hop
            jumpOptions.via = Array(options.via.dropLast())
            let jump = LibSSH2Connection(options: jumpOptions)
            tunnel = jump
            socket = try jump.tunnelBlocking(to: options.host, port: options.port)
        } else {
            socket = try openSocket()
        }
        guard let session = lr_ssh2_session_init() else { throw SSHError.handshake(host: options.host, reason: "libssh2 cannot allocate a session") }
        self.session = session
        libssh2_session_set_blocking(session, 1)
        libssh2_session_set_timeout(session, Int(options.connectTimeout.components.seconds * 1000))
        guard libssh2_session_handshake(session, socket) == 0 else { throw SSHError.handshake(host: options.host, reason: lastError()) }
        try verifyHostKey(session)
        let publicKey = options.privateKey + ".pub"
        if !FileManager.default.fileExists(atPath: options.privateKey), let password = options.password {
            if lr_ssh2_userauth_password(session, options.user, password) != 0 {
                throw SSHError.authentication(host: options.host, user: options.user, reason: "password refused: \(lastError())")
            }
        } else if !FileManager.default.fileExists(atPath: options.privateKey) {
            try authenticateWithAgent(session)
        } else if lr_ssh2_userauth_publickey_fromfile(session, options.user, publicKey, options.privateKey, nil) != 0 {
            var reason = lastError()
            if Self.isRSA(options.privateKey) {
                reason += " — this is an RSA key; libssh2 1.10 signs with SHA-1, which OpenSSH 9 refuses: use an ed25519 or ECDSA key"
            }
            throw SSHError.authentication(host: options.host, user: options.user, reason: reason)
        }
        libssh2_keepalive_config(session, 1, UInt32(options.keepalive))
        // Keepalives are sent while waiting (waitSocket, pump); a host that stops acknowledging them (or
        // anything else) for three intervals ends the connection, as OpenSSH's ServerAliveCountMax 3
        // would. On a jump host's tunnel (a socketpair) the jump connection's own socket does this.
        var unanswered = UInt32(options.keepalive * 3 * 1000)
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_USER_TIMEOUT, &unanswered, socklen_t(MemoryLayout<UInt32>.size))
        libssh2_session_set_timeout(session, 0)
        libssh2_session_set_blocking(session, 0)
    }

    /// Tries each key the ssh-agent holds.
    private func authenticateWithAgent(_ session: OpaquePointer) throws {
        guard let agentPath = options.agent ?? ProcessInfo.processInfo.environment["SSH_AUTH_SOCK"] else {
            throw SSHError.authentication(
                host: options.host, user: options.user, reason: "no key file at \(options.privateKey) and no ssh-agent (SSH_AUTH_SOCK)")
        }
        guard let agent = libssh2_agent_init(session) else { throw SSHError.authentication(host: options.host, user: options.user, reason: "libssh2 agent") }
        defer {
            libssh2_agent_disconnect(agent)
            libssh2_agent_free(agent)
        }
        libssh2_agent_set_identity_path(agent, agentPath)
        guard libssh2_agent_connect(agent) == 0, libssh2_agent_list_identities(agent) == 0 else {
            throw SSHError.authentication(host: options.host, user: options.user, reason: "cannot reach the ssh-agent at \(agentPath)")
        }
        var previous: UnsafeMutablePointer<libssh2_agent_publickey>?
        var identity: UnsafeMutablePointer<libssh2_agent_publickey>?
        while libssh2_agent_get_identity(agent, &identity, previous) == 0, let current = identity {
            if libssh2_agent_userauth(agent, options.user, current) == 0 { return }
            previous = current
        }
        throw SSHError.authentication(host: options.host, user: options.user, reason: "no key of the ssh-agent at \(agentPath) was accepted")
    }

    private func openSocket() throws -> Int32 {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(options.host, String(options.port), &hints, &result) == 0, let info = result else {
            throw SSHError.cannotConnect(host: options.host, reason: "cannot resolve the address")
        }
        defer { freeaddrinfo(result) }
        let fd = Glibc.socket(info.pointee.ai_family, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw SSHError.cannotConnect(host: options.host, reason: String(cString: strerror(errno))) }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if Glibc.connect(fd, info.pointee.ai_addr, info.pointee.ai_addrlen) != 0 && errno != EINPROGRESS {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw SSHError.cannotConnect(host: "\(options.host):\(options.port)", reason: reason)
        }
        var descriptor = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        let ms = Int32(options.connectTimeout.components.seconds * 1000)
        guard poll(&descriptor, 1, ms) == 1 else {
            Glibc.close(fd)
            throw SSHError.cannotConnect(host: "\(options.host):\(options.port)", reason: "no answer within \(options.connectTimeout)")
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            Glibc.close(fd)
            throw SSHError.cannotConnect(host: "\(options.host):\(options.port)", reason: String(cString: strerror(error)))
        }
        _ = fcntl(fd, F_SETFL, flags)
        // SSH sends many small packets; Nagle's algorithm with delayed ACKs would add 40 ms stalls.
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        return fd
    }

    private func verifyHostKey(_ session: OpaquePointer) throws {
        var length = 0
        var type: Int32 = 0
        guard let key = libssh2_session_hostkey(session, &length, &type) else { throw SSHError.handshake(host: options.host, reason: "no host key") }
        guard let known = libssh2_knownhost_init(session) else { throw SSHError.handshake(host: options.host, reason: "libssh2 knownhost") }
        defer { libssh2_knownhost_free(known) }
        // Line by line, so a line libssh2 cannot read (a marker, a key type it lacks, a typo) does not
        // end the reading and hide the entries after it — a changed key must never look unknown.
        var unreadable: [Int] = []
        let lines = ((try? String(contentsOfFile: options.knownHosts, encoding: .utf8)) ?? "").split(separator: "\n", omittingEmptySubsequences: false)
        for (number, line) in lines.enumerated() {
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty || text.hasPrefix("#") { continue }
            if lr_ssh2_knownhost_readline(known, String(line), line.utf8.count) != 0 { unreadable.append(number + 1) }
        }
        let typeMask = Int32(LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW)
        var entry: UnsafeMutablePointer<libssh2_knownhost>?
        let check = libssh2_knownhost_checkp(known, options.host, Int32(options.port), key, length, typeMask, &entry)
        switch check {
        case Int32(LIBSSH2_KNOWNHOST_CHECK_MATCH):
            return
        case Int32(LIBSSH2_KNOWNHOST_CHECK_MISMATCH):
            throw SSHError.hostKeyChanged(host: options.host, knownHosts: options.knownHosts)
        default:
            guard options.acceptNewHostKeys else { throw SSHError.hostKeyUnknown(host: options.host, knownHosts: options.knownHosts) }
            // A host that may be on a line libssh2 could not read is not new: its key is not accepted.
            if !unreadable.isEmpty {
                throw SSHError.handshake(
                    host: options.host,
                    reason:
                        "\(options.knownHosts) has lines libssh2 cannot read (\(unreadable.map(String.init).joined(separator: ", "))), which may hold this host's key: "
                        + "its key is not accepted as new; fix or remove those lines")
            }
            let name = options.port == 22 ? options.host : "[\(options.host)]:\(options.port)"
            let keyBits: Int32 =
                switch type {
                case Int32(LIBSSH2_HOSTKEY_TYPE_ED25519): Int32(LIBSSH2_KNOWNHOST_KEY_ED25519)
                case Int32(LIBSSH2_HOSTKEY_TYPE_ECDSA_256): Int32(LIBSSH2_KNOWNHOST_KEY_ECDSA_256)
                case Int32(LIBSSH2_HOSTKEY_TYPE_ECDSA_384): Int32(LIBSSH2_KNOWNHOST_KEY_ECDSA_384)
                case Int32(LIBSSH2_HOSTKEY_TYPE_ECDSA_521): Int32(LIBSSH2_KNOWNHOST_KEY_ECDSA_521)
                default: Int32(LIBSSH2_KNOWNHOST_KEY_SSHRSA)
                }
            var added: UnsafeMutablePointer<libssh2_knownhost>?
            libssh2_knownhost_addc(known, name, nil, key, length, nil, 0, typeMask | keyBits, &added)
            // One line appended in one write (the file is never rewritten: lines libssh2 does not
            // understand stay, and a run killed meanwhile leaves the file whole).
            var buffer = [CChar](repeating: 0, count: 8192)
            var written = 0
            guard let added, lr_ssh2_knownhost_writeline(known, added, &buffer, buffer.count, &written) == 0 else {
                throw SSHError.handshake(host: options.host, reason: "cannot render the known_hosts line of its key")
            }
            try FileManager.default.createDirectory(at: URL(fileURLWithPath: options.knownHosts).deletingLastPathComponent(), withIntermediateDirectories: true)
            let fd = open(options.knownHosts, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
            guard fd >= 0 else {
                throw SSHError.handshake(host: options.host, reason: "cannot open \(options.knownHosts): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            flock(fd, LOCK_EX)
            var st = stat()
            var line = Array(buffer.prefix(written).map { UInt8(bitPattern: $0) })
            if fstat(fd, &st) == 0, st.st_size > 0, let last = lastByte(fd, size: st.st_size), last != 0x0A { line.insert(0x0A, at: 0) }
            guard line.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress, $0.count) }) == line.count else {
                throw SSHError.handshake(host: options.host, reason: "cannot append to \(options.knownHosts): \(String(cString: strerror(errno)))")
            }
        }
    }

    /// The last byte of an open file of `size` bytes.
    private func lastByte(_ fd: Int32, size: off_t) -> UInt8? {
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, size - 1) == 1 ? byte : nil
    }

    private func execOnWorker(_ command: String, timeout: Duration?, cancel: CancelFlag) throws -> ExecResult {
        let started = ContinuousClock.now
        // A connection the host (or a network blip) closed while idle is replaced before the command is sent.
        if session == nil || peerClosed() { try connectWithRetries() }
        do {
            return try run(command, timeout: timeout, started: started, cancel: cancel)
        } catch SSHError.disconnected(let host, let reason) {
            teardown()
            // Dropped while the command ran: it may have done part of its work, so it is not run again.
            if commandSent { throw SSHError.disconnected(host: host, reason: "\(reason) while the command was running") }
            // Dropped before it started (an idle connection the host closed): reconnect once and run it.
            logger?.notice("ssh: \(host) dropped the connection (\(reason)); reconnecting")
            try connectWithRetries()
            return try run(command, timeout: timeout, started: started, cancel: cancel)
        }
    }

    /// Commands run in one long-lived remote `sh` on its own channel, so a command costs a fork on the
    /// host, not a new SSH session (which costs sshd ~85 ms here). Each command runs as its own session
    /// (`setsid`, stdin from /dev/null); markers on stdout and stderr carry its pid and exit status.
    private func run(_ command: String, timeout: Duration?, started: ContinuousClock.Instant, cancel: CancelFlag) throws -> ExecResult {
        guard let session else { throw SSHError.disconnected(host: options.host, reason: "not connected") }
        let deadline = timeout.map { started + $0 }
        let shell = try shellChannel(session, deadline: deadline)
        commandNumber += 1
        let mark = "__labrunner_\(commandNumber)"
        let line =
            "setsid sh -c \(Shell.quote(command)) </dev/null & p=$!; echo \"\(mark)_pid $p\" >&2; wait $p; r=$?; printf '\\n\(mark) %d\\n' $r; printf '\\n\(mark)\\n' >&2\n"
        commandSent = false
        try write(line, to: shell, session: session, deadline: deadline)
        commandSent = true
        var stdout: [UInt8] = [], stderr: [UInt8] = []
        let outEnd = Array("\n\(mark) ".utf8), errEnd = Array("\n\(mark)\n".utf8)
        var buffer = [CChar](repeating: 0, count: 32768)
        var timedOut = false
        var remotePID: String?
        while !(Self.contains(stdout, outEnd, completeLine: true) && Self.contains(stderr, errEnd, completeLine: false)) {
            var progressed = false
            let n = lr_ssh2_channel_read(shell, &buffer, buffer.count)
            if n > 0 {
                stdout += buffer[0..<n].map { UInt8(bitPattern: $0) }
                progressed = true
            } else if n < 0 && n != Int(Self.eagain) {
                let reason = lostReason()
                dropShell()
                throw SSHError.disconnected(host: options.host, reason: reason)
            }
            let e = lr_ssh2_channel_read_stderr(shell, &buffer, buffer.count)
            if e > 0 {
                stderr += buffer[0..<e].map { UInt8(bitPattern: $0) }
                progressed = true
            } else if e < 0 && e != Int(Self.eagain) {
                let reason = lostReason()
                dropShell()
                throw SSHError.disconnected(host: options.host, reason: reason)
            }
            // libssh2's non-blocking read returns 0, not EAGAIN, after EOF: the shell is gone.
            if !progressed && libssh2_channel_eof(shell) == 1 {
                dropShell()
                throw SSHError.disconnected(host: options.host, reason: "the remote shell ended")
            }
            if remotePID == nil, let pidLine = Self.line(after: "\(mark)_pid ", in: stderr) { remotePID = pidLine }
            if progressed { continue }
            if !timedOut, cancel.isSet || deadline.map({ ContinuousClock.now >= $0 }) == true {
                timedOut = true
                if let remotePID { _ = try? killOnNewChannel(session, pid: remotePID) }
                continue
            }
            try waitSocket(session, until: timedOut ? nil : deadline)
        }
        var out = String(decoding: stdout, as: UTF8.self), err = String(decoding: stderr, as: UTF8.self)
        let status = Int32(Self.line(after: "\n\(mark) ", in: stdout) ?? "") ?? -1
        out = String(out[..<out.range(of: "\n\(mark) ")!.lowerBound])
        err = String(err[..<err.range(of: "\n\(mark)\n")!.lowerBound])
        if let pidLine = err.range(of: "\(mark)_pid [0-9]+\n", options: .regularExpression) { err.removeSubrange(pidLine) }
        return ExecResult(stdout: out, stderr: err, status: status, duration: ContinuousClock.now - started, timedOut: timedOut)
    }

    private var shell: OpaquePointer?
    private var commandNumber = 0
    private var commandSent = false

    private func shellChannel(_ session: OpaquePointer, deadline: ContinuousClock.Instant?) throws -> OpaquePointer {
        if let shell { return shell }
        let channel = try openChannel(session, deadline: deadline)
        while true {
            let rc = lr_ssh2_channel_exec(channel, "exec sh")
            if rc == 0 { break }
            if rc != Self.eagain {
                libssh2_channel_free(channel)
                throw SSHError.channel(host: options.host, reason: lastError())
            }
            try waitSocket(session, until: deadline)
        }
        shell = channel
        return channel
    }

    private func dropShell() {
        if let shell { libssh2_channel_free(shell) }
        shell = nil
    }

    private func write(_ text: String, to channel: OpaquePointer, session: OpaquePointer, deadline: ContinuousClock.Instant?) throws {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { lr_ssh2_channel_write(channel, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count) }
            if written > 0 {
                offset += written
                continue
            }
            if written != Int(Self.eagain) {
                let reason = lostReason()
                dropShell()
                throw SSHError.disconnected(host: options.host, reason: reason)
            }
            try waitSocket(session, until: deadline)
        }
    }

    /// Kills a timed-out command's process group from a channel of its own (the shell is busy waiting).
    private func killOnNewChannel(_ session: OpaquePointer, pid: String) throws {
        let channel = try openChannel(session, deadline: ContinuousClock.now + .seconds(5))
        defer { libssh2_channel_free(channel) }
        while lr_ssh2_channel_exec(channel, "kill -s KILL -- -\(pid)") == Self.eagain { try waitSocket(session, until: ContinuousClock.now + .seconds(5)) }
        while libssh2_channel_close(channel) == Self.eagain { try waitSocket(session, until: ContinuousClock.now + .seconds(5)) }
    }

    /// Whether the end of `haystack` holds `needle` (followed by a newline when `completeLine`). The
    /// marker is the last thing the shell prints, so only the tail is searched.
    private static func contains(_ haystack: [UInt8], _ needle: [UInt8], completeLine: Bool) -> Bool {
        guard haystack.count >= needle.count else { return false }
        var i = max(0, haystack.count - needle.count - 24)
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && Array(haystack[i..<(i + needle.count)]) == needle {
                return !completeLine || haystack[(i + needle.count)...].contains(0x0A)
            }
            i += 1
        }
        return false
    }

    /// The rest of the line after `prefix`, if a complete one is there.
    private static func line(after prefix: String, in bytes: [UInt8]) -> String? {
        let text = String(decoding: bytes, as: UTF8.self)
        guard let start = text.range(of: prefix), let end = text[start.upperBound...].firstIndex(of: "\n") else { return nil }
        return String(text[start.upperBound..<end])
    }

    private func openChannel(_ session: OpaquePointer, deadline: ContinuousClock.Instant?) throws -> OpaquePointer {
        while true {
            if let channel = lr_ssh2_channel_open_session(session) { return channel }
            let code = libssh2_session_last_errno(session)
            if code != Self.eagain { throw SSHError.disconnected(host: options.host, reason: lostReason()) }
            try waitSocket(session, until: deadline)
        }
    }

    /// Why the connection failed, read right after a libssh2 call returned an error: a host that stopped
    /// acknowledging (TCP_USER_TIMEOUT) says so rather than libssh2's last message.
    private func lostReason() -> String {
        let failure = errno
        return failure == ETIMEDOUT || socketError() == ETIMEDOUT ? stoppedAnswering : lastError()
    }

    /// The socket's pending error (SO_ERROR), 0 when none.
    private func socketError() -> Int32 {
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        if socket >= 0 { getsockopt(socket, SOL_SOCKET, SO_ERROR, &error, &length) }
        return error
    }

    private var stoppedAnswering: String { "the host stopped answering (nothing acknowledged for \(options.keepalive * 3) s, keepalives included)" }

    /// Sends a keepalive when one is due (libssh2 keeps the interval); the reply is not waited for.
    private func sendKeepalive(_ session: OpaquePointer) {
        var secondsToNext: Int32 = 0
        _ = libssh2_keepalive_send(session, &secondsToNext)
    }

    private func waitSocket(_ session: OpaquePointer, until deadline: ContinuousClock.Instant?) throws {
        sendKeepalive(session)
        let directions = libssh2_session_block_directions(session)
        var events: Int16 = 0
        if directions & Int32(LIBSSH2_SESSION_BLOCK_INBOUND) != 0 { events |= Int16(POLLIN) }
        if directions & Int32(LIBSSH2_SESSION_BLOCK_OUTBOUND) != 0 { events |= Int16(POLLOUT) }
        if events == 0 { events = Int16(POLLIN) }
        var descriptor = pollfd(fd: socket, events: events, revents: 0)
        var ms: Int32 = 200
        if let deadline { ms = min(200, (deadline - ContinuousClock.now).pollMilliseconds) }
        _ = poll(&descriptor, 1, ms)
        if descriptor.revents & Int16(POLLHUP | POLLERR) != 0 && descriptor.revents & Int16(POLLIN) == 0 {
            throw SSHError.disconnected(host: options.host, reason: socketError() == ETIMEDOUT ? stoppedAnswering : "the connection was closed")
        }
    }

    private func uploadOnWorker(_ source: String, path: String, mode: Int32, timeout: Duration?, cancel: CancelFlag) throws {
        let started = ContinuousClock.now
        let deadline = timeout.map { started + $0 }
        let file = open(source, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { throw SSHError.upload(host: options.host, path: path, reason: "cannot read \(source): \(String(cString: strerror(errno)))") }
        defer { Glibc.close(file) }
        var st = stat()
        guard fstat(file, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            throw SSHError.upload(host: options.host, path: path, reason: "\(source) is not a regular file")
        }
        let directory = (path as NSString).deletingLastPathComponent
        let partial =
            (directory.isEmpty ? "" : directory + "/") + ".\((path as NSString).lastPathComponent).labrunner-partial-\(UInt32.random(in: 0...UInt32.max))"
        func remote(_ command: String) throws {
            let result = try execOnWorker(command, timeout: .seconds(30), cancel: CancelFlag())
            guard result.status == 0 else {
                throw SSHError.upload(
                    host: options.host, path: path, reason: "`\(command)` failed: \(result.stderr.trimmingCharacters(in: .whitespacesAndNewlines))")
            }
        }
        try remote("mkdir -p -- \(Shell.quote(directory.isEmpty ? "." : directory))")
        do {
            try send(file, size: Int64(st.st_size), to: partial, mode: mode, deadline: deadline, cancel: cancel)
            // OpenSSH's scp exits 1 after libssh2's transfer (it waits for a final ack libssh2 never
            // sends), so what arrived is checked by its size before it replaces `path`.
            let quoted = Shell.quote(partial)
            try remote("[ \"$(stat -c %s -- \(quoted))\" = \(st.st_size) ] && mv -f -- \(quoted) \(Shell.quote(path))")
        } catch {
            let reason = cancel.isSet ? "interrupted" : (error as? SSHError).map { "\($0)" } ?? "\(error)"
            if (try? remote("rm -f -- \(Shell.quote(partial))")) != nil {
                throw SSHError.upload(host: options.host, path: path, reason: "\(reason); \(path) is unchanged")
            }
            throw SSHError.upload(
                host: options.host, path: path, reason: "\(reason); \(path) is unchanged, but the partial copy \(partial) could not be removed")
        }
    }

    /// Streams an open file to `path` over an SCP channel, without blocking past `deadline` or a cancel.
    private func send(_ file: Int32, size: Int64, to path: String, mode: Int32, deadline: ContinuousClock.Instant?, cancel: CancelFlag) throws {
        guard let session else { throw SSHError.disconnected(host: options.host, reason: "not connected") }
        func wait() throws {
            if cancel.isSet { throw CancellationError() }
            if let deadline, ContinuousClock.now >= deadline { throw SSHError.upload(host: options.host, path: path, reason: "timed out") }
            try waitSocket(session, until: deadline)
        }
        var opened: OpaquePointer?
        while opened == nil {
            opened = libssh2_scp_send64(session, path, mode & 0o7777, size, 0, 0)
            if opened == nil {
                guard libssh2_session_last_errno(session) == Self.eagain else { throw SSHError.upload(host: options.host, path: path, reason: lastError()) }
                try wait()
            }
        }
        let channel = opened!
        defer { libssh2_channel_free(channel) }
        var buffer = [CChar](repeating: 0, count: 65536)
        var remaining = size
        while remaining > 0 {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(file, $0.baseAddress!, Int(min(Int64($0.count), remaining))) }
            guard count > 0 else { throw SSHError.upload(host: options.host, path: path, reason: "the local file shrank while it was copied") }
            var offset = 0
            while offset < count {
                let written = buffer[offset..<count].withUnsafeBytes {
                    lr_ssh2_channel_write(channel, $0.baseAddress!.assumingMemoryBound(to: CChar.self), $0.count)
                }
                if written > 0 {
                    offset += written
                } else if written == Int(Self.eagain) {
                    try wait()
                } else {
                    throw SSHError.disconnected(host: options.host, reason: lostReason())
                }
            }
            remaining -= Int64(count)
        }
        for step in [{ libssh2_channel_send_eof(channel) }, { libssh2_channel_wait_eof(channel) }, { libssh2_channel_wait_closed(channel) }] {
            while true {
                let rc = step()
                if rc == 0 { break }
                guard rc == Self.eagain else { throw SSHError.upload(host: options.host, path: path, reason: lastError()) }
                try wait()
            }
        }
    }

    /// Whether the host closed the TCP connection: the socket's TCP state is no longer ESTABLISHED (a FIN
    /// arrived, even behind SSH packets nobody has read yet, e.g. keepalive replies), or a reset is pending.
    private func peerClosed() -> Bool {
        guard socket >= 0 else { return true }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, 0) == 1 && descriptor.revents & (Int16(POLLHUP) | Int16(POLLERR)) != 0 { return true }
        var info = [UInt8](repeating: 0, count: 256)  // struct tcp_info; its first byte is tcpi_state
        var length = socklen_t(info.count)
        guard getsockopt(socket, Int32(IPPROTO_TCP), 11 /* TCP_INFO */, &info, &length) == 0 else { return false }
        return info[0] != 1 /* TCP_ESTABLISHED */
    }

    private func lastError() -> String {
        guard let session else { return "no session" }
        var message: UnsafeMutablePointer<CChar>?
        var length: Int32 = 0
        let code = libssh2_session_last_error(session, &message, &length, 0)
        return message.map { "\(String(cString: $0)) (\(code))" } ?? "error \(code)"
    }

    private func teardown() {
        dropShell()
        if let session {
            libssh2_session_disconnect_ex(session, SSH_DISCONNECT_BY_APPLICATION, "reconnecting", "")
            libssh2_session_free(session)
            self.session = nil
        }
        if socket >= 0 {
            Glibc.close(socket)
            socket = -1
        }
        tunnel = nil  // its pump ends on the closed socket, then the jump connection goes away
    }

    /// Carries a tunnel's setup error from the connection's thread to the one waiting for it.
    private final class TunnelResult: @unchecked Sendable {
        var error: Error?
    }

    private static func isRSA(_ privateKey: String) -> Bool {
        let publicKey = (try? String(contentsOfFile: privateKey + ".pub", encoding: .utf8)) ?? ""
        let key = (try? String(contentsOfFile: privateKey, encoding: .utf8)) ?? ""
        return publicKey.hasPrefix("ssh-rsa") || key.contains("BEGIN RSA PRIVATE KEY")
    }
}
