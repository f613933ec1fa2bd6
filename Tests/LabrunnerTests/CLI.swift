import Foundation

/// Runs the built `labrunner` binary (and shell commands) for black-box tests.
enum CLI {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var binary: String {
        ProcessInfo.processInfo.environment["LABRUNNER_BIN"] ?? root.appendingPathComponent(".build/debug/labrunner").path
    }

    struct Output {
        let status: Int32
        let stdout: String
        let stderr: String
    }

    /// Starts labrunner without waiting.
    static func start(_ arguments: [String]) throws -> (Process, Pipe, Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = arguments
        process.currentDirectoryURL = root
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        return (process, out, err)
    }

    /// Runs labrunner to completion.
    static func run(_ arguments: [String]) -> Output {
        guard let (process, out, err) = try? start(arguments) else { return Output(status: -1, stdout: "", stderr: "cannot start \(binary)") }
        return finish(process, out, err)
    }

    /// Waits for a started process and collects its output.
    static func finish(_ process: Process, _ out: Pipe, _ err: Pipe) -> Output {
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Output(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// Runs a shell command and returns its stdout.
    static func shell(_ command: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try? process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    /// Polls until `condition` holds or `seconds` pass.
    static func waitUntil(_ seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return condition()
    }
}
