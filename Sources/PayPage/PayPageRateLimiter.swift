import Synchronization

/// The status endpoint's limit, per intent: a token bucket of ``capacity`` requests refilled at ``perSecond``; a
/// request beyond it is refused with the seconds until the next one is allowed (`429` and `Retry-After`). The page
/// polls every 3 s, well inside it; the limit bounds what one leaked link can make the server ask WeChat Pay.
public final class PayPageRateLimiter: Sendable {
    public let capacity: Double
    public let perSecond: Double
    /// The most intents tracked; the oldest are forgotten beyond it (a full table cannot grow the memory).
    public let maxKeys: Int

    private struct Bucket { var tokens: Double; var at: Double }
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(capacity: Double = 10, perSecond: Double = 1, maxKeys: Int = 10_000) {
        self.capacity = capacity
        self.perSecond = perSecond
        self.maxKeys = maxKeys
    }

    /// `nil` when `key` may go on now, else the whole seconds to wait (at least 1).
    public func admit(_ key: String, now: Double) -> Int? {
        buckets.withLock { table in
            var bucket = table[key] ?? Bucket(tokens: capacity, at: now)
            bucket.tokens = min(capacity, bucket.tokens + max(0, now - bucket.at) * perSecond)
            bucket.at = now
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                if table[key] == nil, table.count >= maxKeys {
                    // Forget the buckets that are full again (idle long enough); if none is, the stalest one.
                    table = table.filter { min(capacity, $0.value.tokens + (now - $0.value.at) * perSecond) < capacity }
                    if table.count >= maxKeys, let stalest = table.min(by: { $0.value.at < $1.value.at })?.key {
                        table[stalest] = nil
                    }
                }
                table[key] = bucket
                return nil
            }
            table[key] = bucket
            return max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up)))
        }
    }
}
