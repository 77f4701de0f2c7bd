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
        /// No answer ever comes: the connection is held, silent, for `delayMs` (default 30 s) or until the client
        /// hangs up, then reset.
        case timeout
        /// The status line, the headers and about half of the body are sent, then the connection is reset (TCP RST).
        case resetMidAnswer = "reset-mid-answer"
        /// The answer's body is sent one byte every `delayMs` (default 1 s) after its headers.
        case drip
        /// `Content-Length` announces the whole body, about half of it is sent, then the connection is closed.
        case truncated
        /// A correctly signed answer whose `Wechatpay-Serial` names a key the merchant does not hold.
        case unknownSerial = "unknown-serial"
        /// A correctly signed answer about another order or refund of the merchant (one the emulator holds, else a
        /// made-up one): a replay inside the 300 s window, or a proxy that mixed up answers. A close's answer has no
        /// body: the signed 204 of another close.
        case otherOrder = "other-order"
        /// Bills (BillRoutes.swift): the bill query answers a wrong `hash_value`, or the file download serves one
        /// changed byte; either way the file's SHA-1 does not match.
        case billHashMismatch = "bill-hash-mismatch"
        /// `GET /v3/certificates` only: a correctly signed list whose first `encrypt_certificate.ciphertext` has one
        /// byte changed (PlatformKeyring.swift), so it does not decrypt.
        case tamperedCertificate = "tampered-certificate"

        /// Whether ``Timing`` applies: with `before` the call does not take effect and the answer that is broken
        /// (or about another order) stands in for a `SYSTEM_ERROR`; with `after` the call took effect first.
        /// `delay`, `frequency-limited` (always before) and `bad-signature` (always after) ignore it.
        public var hasTiming: Bool {
            switch self {
            case .delay, .frequencyLimited, .badSignature, .billHashMismatch, .tamperedCertificate: false
            default: true
            }
        }

        /// Whether the answer's bytes are broken on the wire (a streamed body that stops, stalls or is cut).
        public var breaksBody: Bool { self == .resetMidAnswer || self == .drip || self == .truncated }

        /// `delay_ms` when the rule does not give one.
        var defaultDelayMs: Int {
            switch self {
            case .delay, .drip: 1000
            case .timeout: 30_000
            default: 0
            }
        }
    }

    /// When a fault with timing (``Kind/hasTiming``) strikes: `before` the call takes effect (nothing happened), or
    /// `after` it (the order or refund exists but the answer is lost or broken, the case idempotent retries exist for).
    public enum Timing: String, Sendable, CaseIterable {
        case before, after
    }

    public var kind: Kind
    /// How many more calls this rule applies to.
    public var remaining: Int
    /// `delay`: how late the answer comes; `timeout`: how long the silent connection is held at most; `drip`: the
    /// pause between two bytes of the body.
    public var delayMs: Int
    /// Only calls whose path starts with this (e.g. `/v3/refund/`); `nil` for every merchant API call.
    public var pathPrefix: String?
    /// Only calls with this HTTP method (`GET`, `POST`); `nil` for any.
    public var method: String?
    public var timing: Timing

    /// Creates a rule.
    public init(kind: Kind, count: Int = 1, delayMs: Int? = nil, pathPrefix: String? = nil, method: String? = nil,
                timing: Timing = .before)
    {
        self.kind = kind
        self.method = method
        self.remaining = count
        self.delayMs = delayMs ?? kind.defaultDelayMs
        self.pathPrefix = pathPrefix
        self.timing = timing
    }

    /// Reads `{"kind", "count"?, "delay_ms"?, "path_prefix"?, "method"?, "when"?}`.
    /// - Throws: a 400 `PARAM_ERROR` naming the bad field.
    public init(json: JSONValue) throws(WeChatAPIError) {
        guard let raw = json["kind"]?.stringValue, let kind = Kind(rawValue: raw) else {
            throw .paramError("kind", "must be one of \(Kind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let count = json["count"]?.intValue ?? 1
        guard (1...10_000).contains(count) else { throw .paramError("count", "must be 1...10000") }
        let delay = json["delay_ms"]?.intValue ?? Int64(kind.defaultDelayMs)
        guard (0...120_000).contains(delay) else { throw .paramError("delay_ms", "must be 0...120000") }
        let timing: Timing
        if let w = json["when"]?.stringValue {
            guard let t = Timing(rawValue: w) else { throw .paramError("when", "must be before or after") }
            timing = t
        } else {
            timing = .before
        }
        let method = json["method"]?.stringValue?.uppercased()
        if let method, !["GET", "POST"].contains(method) { throw .paramError("method", "must be GET or POST") }
        self.init(kind: kind, count: Int(count), delayMs: Int(delay), pathPrefix: json["path_prefix"]?.stringValue,
                  method: method, timing: timing)
    }

    /// The rule as JSON.
    public var json: JSONValue {
        var o: [String: JSONValue] = ["kind": .string(kind.rawValue), "remaining": .int(Int64(remaining)),
                                      "delay_ms": .int(Int64(delayMs)), "when": .string(timing.rawValue)]
        if let pathPrefix { o["path_prefix"] = .string(pathPrefix) }
        if let method { o["method"] = .string(method) }
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

    /// The fault for one `method` call to `path`, if any, consuming one count.
    public func take(path: String, method: String = "GET") -> FaultRule? {
        guard let i = rules.firstIndex(where: {
            ($0.pathPrefix.map(path.hasPrefix) ?? true) && ($0.method.map { $0 == method } ?? true)
        }) else { return nil }
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

    /// Drops every pending rule; the counts of fired faults stay.
    public func clearPending() { rules = [] }

    /// Drops every pending rule and the counts.
    public func reset() {
        rules = []
        fired = [:]
    }
}
