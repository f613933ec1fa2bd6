/// Where the language gets the files it reads: scenarios, their includes, labs, and directories of
/// them. The language does no other I/O; `FileSourceReader` reads the file system, and tests can give
/// an in-memory reader.
public protocol SourceReader: Sendable {
    /// The file's bytes, or why it cannot be read ("no such file", "it is a directory", …).
    func bytes(at path: String) -> Result<[UInt8], SourceReadError>
    /// Whether `path` names a directory.
    func isDirectory(_ path: String) -> Bool
    /// The names of the entries directly inside a directory (nil when it cannot be listed).
    func entries(of directory: String) -> [String]?
    /// The directory relative paths are shown against (the working directory).
    var workingDirectory: String { get }
}

/// Why a source file could not be read.
public struct SourceReadError: Error, Sendable, Equatable {
    /// Said after "cannot read 'PATH': ".
    public let reason: String

    /// An error with this reason.
    public init(_ reason: String) { self.reason = reason }
}
