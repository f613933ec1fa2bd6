/// Which side of a port a capture copies.
public enum CaptureDirection: Int, Sendable {
    /// Received packets.
    case rx = 0
    /// Transmitted packets.
    case tx = 1
}
