#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Bounded retries with full jitter, for idempotent calls only.
///
/// Every call the functions make to WeChat Pay is idempotent by construction (order and refund numbers are derived
/// from the idempotency key), so a retry after a timeout can never charge or refund twice.
public struct RetryPolicy: Sendable {
    /// Total attempts, including the first.
    public var maxAttempts: Int
    /// Base delay in seconds; attempt *n* sleeps a random time in `0 ..< min(maxDelay, base * 2^n)`.
    public var baseDelay: Double
    /// Upper bound of one sleep.
    public var maxDelay: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 3, baseDelay: Double = 0.1, maxDelay: Double = 1.0) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
    }

    /// No retries.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The jittered delay before attempt `attempt` (1-based; attempt 1 has none).
    public func delay(beforeAttempt attempt: Int) -> Double {
        guard attempt > 1 else { return 0 }
        let cap = min(maxDelay, baseDelay * Double(1 << min(attempt - 1, 16)))
        return Double.random(in: 0..<max(cap, 0.001))
    }
}

/// A monotonic deadline, so that no call outlives the invocation that made it.
public struct Deadline: Sendable, Comparable {
    /// Monotonic seconds.
    public let instant: Double

    /// A deadline `seconds` from now.
    public static func after(seconds: Double) -> Deadline { Deadline(instant: now() + seconds) }

    /// Effectively no deadline.
    public static let distantFuture = Deadline(instant: .greatestFiniteMagnitude)

    /// Creates a deadline at a monotonic instant.
    public init(instant: Double) { self.instant = instant }

    /// Seconds left (never negative).
    public var remaining: Double { max(0, instant - Deadline.now()) }

    /// Whether the deadline has passed.
    public var hasPassed: Bool { remaining <= 0 }

    /// The current monotonic time in seconds.
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    public static func < (a: Deadline, b: Deadline) -> Bool { a.instant < b.instant }
}

/// Sleeps `seconds` (blocking: the functions are single-threaded processes).
public func sleepSeconds(_ seconds: Double) {
    guard seconds > 0 else { return }
    var ts = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - Double(Int(seconds))) * 1e9))
    var left = timespec()
    while nanosleep(&ts, &left) == -1 && errno == EINTR { ts = left }
}
