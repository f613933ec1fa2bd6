import CSystem
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with posix_spawn in its own process group (never fork(): unsafe in a
/// threaded Swift process), so a timeout or Ctrl-C can kill it and everything it started.
package final class SpawnedProcess: @unchecked Sendable {
    /// Process id; also the process group id.
    package let pid: pid_t

    private init(pid: pid_t) { self.pid = pid }

    /// Why spawning failed.
    package struct SpawnError: Error, CustomStringConvertible {
        package let description: String
        package init(description: String) { self.description = description }
    }

    /// Spawns `argv` (looked up in PATH) with the given fds as stdin/stdout/stderr.
    /// `setsid` makes it a session leader whose controlling terminal is `tty` (for PTY sessions).
    package static func spawn(
        _ argv: [String], stdin: Int32, stdout: Int32, stderr: Int32, closeInChild: [Int32] = [],
        setsid tty: String? = nil, environment: [String: String]? = nil
    ) throws -> SpawnedProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // The child starts as from a shell: every signal at its default (labrunner ignores SIGPIPE, and
        // SIGINT and SIGTERM reach it through dispatch sources) and none blocked, so a pipeline in a
        // step behaves as typed at a prompt and a timeout's SIGTERM ends it.
        var defaults = sigset_t(), none = sigset_t()
        sigfillset(&defaults)
        sigemptyset(&none)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setsigmask(&attributes, &none)
        let signals = Int32(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK)
        if let tty {
            // POSIX_SPAWN_SETSID (0x80) is a glibc extension the Glibc module does not import.
            posix_spawnattr_setflags(&attributes, Int16(0x80 | signals))
            for fd in 0...2 { posix_spawn_file_actions_addopen(&actions, Int32(fd), tty, O_RDWR, 0) }
        } else {
            posix_spawnattr_setflags(&attributes, Int16(Int32(POSIX_SPAWN_SETPGROUP) | signals))
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawn_file_actions_adddup2(&actions, stdin, 0)
            posix_spawn_file_actions_adddup2(&actions, stdout, 1)
            posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        }
        for fd in closeInChild { posix_spawn_file_actions_addclose(&actions, fd) }
        // Nothing else of ours (other steps' pipes, PTYs, logs) leaks into the child.
        csystem_spawn_addclosefrom(&actions, 3)
        let env = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(argv) { argvPointers in
            withCStrings(env) { envPointers in
                posix_spawnp(&pid, argv[0], &actions, &attributes, argvPointers, envPointers)
            }
        }
        guard status == 0 else {
            throw SpawnError(description: "cannot start '\(argv[0])': \(String(cString: strerror(status)))")
        }
        return SpawnedProcess(pid: pid)
    }

    /// Sends a signal to the whole process group.
    package func signalGroup(_ signal: Int32) {
        kill(-pid, signal)
    }

    /// Blocks until the process exits and returns its status (128+N for signal N). Call off the cooperative pool.
    package func waitBlocking() -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        pointers.append(nil)
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
