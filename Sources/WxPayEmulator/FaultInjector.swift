import KitCore
import WxPayCore
import WxPaySandbox

/// A fault to inject into the next matching merchant API calls.
public struct FaultRule: Sendable, Equatable {
    /// What goes wrong.
    public enum Kind: String, Sendable, CaseIterable {
        /// 500 `SYSTEM_ERROR` (signed, like WeChat's).
        case serverError = "500"
        /// The answer comes `delayMs` late (the call is then handled normally).
        case delay
        /// The connection is reset (TCP RST) without an answer.
        case reset
        /// A normal answer whose `Wechatpay-Signature` does not verify.
        case badSignature = "bad-signature"
        /// 429 `FREQUENCY_LIMITED`.
        case frequencyLimited = "frequency-limited"
    }

    /// When a `500` or `reset` strikes: `before` the call takes effect (nothing happened), or `after` it (the
    /// order or refund exists but the answer is lost, the case idempotent retries exist for).
    public enum Timing: String, Sendable, CaseIterable {
        case before, after
    }

    public var kind: Kind
    /// How many more calls this rule applies to.
    public var remaining: Int
    public var delayMs: Int
    /// Only calls whose path starts with this (e.g. `/v3/refund/`); `nil` for every merchant API call.
    public var pathPrefix: String?
    public var timing: Timing

    /// Creates a rule.
    public init(kind: Kind, count: Int = 1, delayMs: Int = 0, pathPrefix: String? = nil, timing: Timing = .before) {
        self.kind = kind
        self.remaining = count
        self.delayMs = delayMs
        self.pathPrefix = pathPrefix
        self.timing = timing
    }

    /// Reads `{"kind", "count"?, "delay_ms"?, "path_prefix"?, "when"?}`.
    /// - Throws: a 400 `PARAM_ERROR` naming the bad field.
    public init(json: JSONValue) throws(WeChatAPIError) {
        guard let raw = json["kind"]?.stringValue, let kind = Kind(rawValue: raw) else {
            throw .paramError("kind", "must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let count = json["count"]?.intValue ?? 1
        guard (1...10_000).contains(count) else { throw .paramError("count", "must be 1...10000") }
        let delay = json["delay_ms"]?.intValue ?? (kind == .delay ? 1000 : 0)
        guard (0...120_000).contains(delay) else { throw .paramError("delay_ms", "must be 0...120000") }
        let timing: Timing
        if let w = json["when"]?.stringValue {
            guard let t = Timing(rawValue: w) else { throw .paramError("when", "must be before or after") }
            timing = t
        } else {
            timing = .before
        }
        self.init(kind: kind, count: Int(count), delayMs: Int(delay), pathPrefix: json["path_prefix"]?.stringValue,
                  timing: timing)
    }

    /// The rule as JSON.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["kind": .string(kind.rawValue), "remaining": .int(Int64(remaining)),
                                      "delay_ms": .int(Int64(delayMs)), "when": .string(timing.rawValue)]
        if let pathPrefix { o["path_prefix"] = .string(pathPrefix) }
        return .object(o)
    }
}

/// Queued fault rules; each merchant API call takes at most one, the oldest matching rule, and uses up one count.
public actor FaultInjector {
    private var rules: [FaultRule] = []
    private var fired: [String: Int] = [:]

    public init() {}

    /// Queues a rule.
    public func add(_ rule: FaultRule) { rules.append(rule) }

    /// The fault for one call to `path`, if any, consuming one count.
    public func take(path: String) -> FaultRule? {
        guard let i = rules.firstIndex(where: { $0.pathPrefix.map(path.hasPrefix) ?? true }) else { return nil }
        let rule = rules[i]
        rules[i].remaining -= 1
        if rules[i].remaining <= 0 { rules.remove(at: i) }
        fired[rule.kind.rawValue, default: 0] += 1
        return rule
    }

    /// Pending rules and how many faults fired per kind.
    public func status() -> JSONValue {
        var f: [String: JSONValue] = [:]
        for (k, v) in fired { f[k] = .int(Int64(v)) }
        return ["pending": .array(rules.map(\.json)), "fired": .object(f)]
    }

    /// Drops every pending rule and the counts.
    public func reset() {
        rules = []
        fired = [:]
    }
}
