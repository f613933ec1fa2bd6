#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC, the clock the traffic generator stamps its probes with: a step's time on it
/// places the step on the generator's timeline.
enum MonotonicClock {
    static var nanoseconds: UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }
}
