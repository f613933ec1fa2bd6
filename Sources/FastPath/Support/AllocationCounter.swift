/// Reads a malloc counter the executable links in (FastPath itself never interposes malloc): the
/// process total, and the calling thread's own count, which lcores read before and after their loop.
public struct AllocationCounter: Sendable {
    /// Allocations by every thread so far.
    public let process: @Sendable () -> UInt64
    /// Allocations by the calling thread so far.
    public let thread: @Sendable () -> UInt64

    /// Creates a counter from the two readers.
    public init(process: @escaping @Sendable () -> UInt64, thread: @escaping @Sendable () -> UInt64) {
        self.process = process
        self.thread = thread
    }
}
