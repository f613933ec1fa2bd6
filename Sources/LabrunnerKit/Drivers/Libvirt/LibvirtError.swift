/// An error libvirt reported, as data (libvirt's own printing to stderr is silenced).
struct LibvirtError: Error, CustomStringConvertible, Equatable {
    /// What labrunner was doing.
    var operation: String
    /// The connection URI.
    var uri: String
    /// libvirt's error code (virErrorNumber) and message.
    var code: Int32
    var message: String

    var description: String { "libvirt \(operation) on \(uri) failed: \(message) (code \(code))" }
}
