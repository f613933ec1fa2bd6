import Foundation
import Logging
import Synchronization

/// swift-log's handler for a run's `labrunner.log`: one line per message — UTC time, level, label,
/// message and metadata — appended to the file in the run directory.
package struct RunLogHandler: LogHandler {
    /// Messages below it are dropped.
    package var logLevel: Logger.Level
    /// Metadata every message of this logger carries.
    package var metadata: Logger.Metadata = [:]
    private let file: LogFile

    /// A handler appending to `url` (created if missing).
    package init(url: URL, level: Logger.Level) {
        self.logLevel = level
        self.file = LogFile(url: url)
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let time = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
        file.append("\(time) \(event.level) [\(event.source)] \(event.message)\(fields.isEmpty ? "" : " \(fields)")\n")
    }

    /// The open file, shared by every copy of the handler; writes are serialized.
    private final class LogFile: Sendable {
        private let handle: Mutex<FileHandle?>

        init(url: URL) {
            FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600])
            let opened = try? FileHandle(forWritingTo: url)
            _ = try? opened?.seekToEnd()
            handle = Mutex(opened)
        }

        func append(_ line: String) {
            handle.withLock { try? $0?.write(contentsOf: Data(line.utf8)) }
        }

        deinit { handle.withLock { try? $0?.close() } }
    }
}
