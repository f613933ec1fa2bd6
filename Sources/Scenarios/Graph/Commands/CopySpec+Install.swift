extension CopySpec {
    /// The `install -D` line that performs a copy on a host reached by a shell (not by SFTP).
    public static func installArguments(source: String, destination: String, mode: String?) -> [String] {
        ["install", "-D"] + (mode.map { ["-m", $0] } ?? []) + [source, destination]
    }
}
