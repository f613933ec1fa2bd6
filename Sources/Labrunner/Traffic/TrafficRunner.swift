import FastPath
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `labrunner traffic run|start|stop`: runs the FastPath traffic generator in the foreground, or in
/// the background (start) until `stop` ends it and prints its report. The background run keeps its
/// pid and report in the namespace's FastPath runtime directory, keyed by the transmit port.
struct TrafficRunner {
    let action: String
    let profile: TrafficProfile?
    let port: String

    private var files: (pid: String, report: String) {
        let dir = RuntimePaths.directory
        return ("\(dir)/traffic-\(port).pid", "\(dir)/traffic-\(port).json")
    }

    /// Runs the action; returns the JSON report (run, stop) or what started.
    func run(arguments: [String]) throws -> String {
        switch action {
        case "run":
            guard let profile else { throw StepError.setup("traffic run needs a profile") }
            let report = try TrafficGenerator(profile: profile).run(stop: SignalPipe.install()).json
            if let out = reportFile(arguments) { try report.write(toFile: out, atomically: true, encoding: .utf8) }
            return report
        case "start":
            try FileManager.default.createDirectory(atPath: RuntimePaths.directory, withIntermediateDirectories: true)
            if let pid = try? String(contentsOfFile: files.pid, encoding: .utf8), let p = Int32(pid), kill(p, 0) == 0 {
                throw StepError.setup("traffic is already running on \(port) (pid \(p)): stop it first")
            }
            unlink(files.report)
            var argv = [CommandLine.arguments[0], "traffic", "run"] + arguments.drop { $0 == "start" }.filter { $0 != "start" }
            if !argv.contains("--duration") { argv += ["--duration", "86400s"] }
            argv += ["--report-file", files.report]
            let devNull = open("/dev/null", O_RDWR)
            defer { Glibc.close(devNull) }
            let process = try SpawnedProcess.spawn(argv, stdin: devNull, stdout: devNull, stderr: devNull)
            try "\(process.pid)".write(toFile: files.pid, atomically: true, encoding: .utf8)
            return "{\"started\": \"\(port)\", \"pid\": \(process.pid)}"
        case "stop":
            guard let text = try? String(contentsOfFile: files.pid, encoding: .utf8), let pid = Int32(text) else {
                throw StepError.setup("no traffic runs on \(port): start it with traffic: {action: start, port: \(port)}")
            }
            kill(pid, SIGINT)
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline && !FileManager.default.fileExists(atPath: files.report) { usleep(50_000) }
            unlink(files.pid)
            guard let report = try? String(contentsOfFile: files.report, encoding: .utf8) else {
                throw StepError.setup("the traffic generator on \(port) (pid \(pid)) ended without a report")
            }
            return report
        default:
            throw StepError.setup("traffic action \(action): use run, start or stop")
        }
    }

    private func reportFile(_ arguments: [String]) -> String? {
        guard let i = arguments.firstIndex(of: "--report-file"), i + 1 < arguments.count else { return nil }
        return arguments[i + 1]
    }
}
