import Foundation

/// Reads sources from the file system.
public struct FileSourceReader: SourceReader {
    /// A reader of this machine's files.
    public init() {}

    public func bytes(at path: String) -> Result<[UInt8], SourceReadError> {
        if let data = FileManager.default.contents(atPath: path) { return .success([UInt8](data)) }
        var directory: ObjCBool = false
        let exists = FileManager.default.fileExists(atPath: path, isDirectory: &directory)
        return .failure(SourceReadError(!exists ? "no such file" : directory.boolValue ? "it is a directory" : "permission denied"))
    }

    public func isDirectory(_ path: String) -> Bool {
        var directory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &directory) && directory.boolValue
    }

    public func entries(of directory: String) -> [String]? { try? FileManager.default.contentsOfDirectory(atPath: directory) }

    public var workingDirectory: String { FileManager.default.currentDirectoryPath }
}
