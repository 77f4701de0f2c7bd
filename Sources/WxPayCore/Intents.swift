import KitCore
import WxPayCrypto

/// Deterministic WeChat Pay numbers derived from idempotency keys: the same key always names the same order or
/// refund, so no retry, duplicate tool call or concurrent process can create a second one.
public enum IntentIdentity {
    /// The prefix of every order number this kit creates (`ai` = agent intent).
    public static let orderPrefix = "ai"
    /// Longest accepted idempotency key, in UTF-8 bytes (it travels in `attach`, 128 bytes in all).
    public static let maxKeyBytes = 64

    /// `out_trade_no` for attempt `attempt` (1-based) of the intent keyed `idempotencyKey`:
    /// `ai` + 24 hex digits of SHA-256(`mchid`, key) + `-` + attempt, at most 32 characters of `[0-9a-z-]`.
    ///
    /// With `subMchid` (service-provider mode) the digest is over
    /// `wxpay-agent-kit/partner-order/v1\n` + `mchid` + `\n` + `subMchid` + `\n` + key instead: one key makes one
    /// order per sub-merchant, and the direct-mode numbers stay exactly what they were.
    public static func outTradeNo(mchid: String, subMchid: String? = nil, idempotencyKey: String, attempt: Int)
        -> String
    {
        let material = subMchid.map { "wxpay-agent-kit/partner-order/v1\n\(mchid)\n\($0)\n\(idempotencyKey)" }
            ?? "wxpay-agent-kit/order/v1\n\(mchid)\n\(idempotencyKey)"
        let digest = Digest.sha256(Array(material.utf8))
        return orderPrefix + Hex.encode(digest.prefix(12)) + "-" + String(attempt)
    }

    /// The attempt number encoded in one of this kit's order numbers, or `nil` for foreign numbers.
    public static func attempt(ofOutTradeNo no: String) -> Int? {
        guard no.hasPrefix(orderPrefix), let dash = no.lastIndex(of: "-") else { return nil }
        return Int(no[no.index(after: dash)...])
    }

    /// `out_refund_no` for a refund of `outTradeNo` keyed `idempotencyKey`: `rf` + 30 hex digits.
    /// With `subMchid` (service-provider mode) the digest is over
    /// `wxpay-agent-kit/partner-refund/v1\n` + `mchid` + `\n` + `subMchid` + `\n` + order + `\n` + key.
    public static func outRefundNo(mchid: String, subMchid: String? = nil, outTradeNo: String, idempotencyKey: String)
        -> String
    {
        let material = subMchid.map { "wxpay-agent-kit/partner-refund/v1\n\(mchid)\n\($0)\n\(outTradeNo)\n\(idempotencyKey)" }
            ?? "wxpay-agent-kit/refund/v1\n\(mchid)\n\(outTradeNo)\n\(idempotencyKey)"
        let digest = Digest.sha256(Array(material.utf8))
        return "rf" + Hex.encode(digest.prefix(15))
    }

    /// A short fingerprint of the parameters that define an order: the same key with another fingerprint is an
    /// idempotency conflict.
    public static func fingerprint(_ parts: [String]) -> String {
        Hex.encode(Digest.sha256(Array(parts.joined(separator: "\u{1F}").utf8)).prefix(6))
    }

    /// Validates an idempotency key: 1 ... 64 bytes, no control characters.
    public static func validateKey(_ key: String, field: String = "idempotency_key") throws(WxPayError) {
        guard !key.isEmpty, key.utf8.count <= maxKeyBytes else {
            throw .invalidField(field, "must be 1 to \(maxKeyBytes) bytes")
        }
        guard !key.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) else {
            throw .invalidField(field, "must not contain control characters")
        }
    }
}

/// The agent-facing status of an intent, from WeChat's `trade_state` and the intent's own expiry.
public enum IntentStatus: String, Sendable, Codable {
    case requiresConfirmation = "requires_confirmation"
    case succeeded, expired, closed, refunded, failed

    /// Whether the status can no longer change by itself (a succeeded intent may still become refunded).
    public var isTerminal: Bool { self != .requiresConfirmation }

    /// Maps WeChat's `trade_state`.
    /// - Parameters:
    ///   - expiresAt: the intent's `time_expire` (Unix seconds), when known from `attach`.
    public static func from(tradeState: String, expiresAt: Int64?, now: Int64) -> IntentStatus {
        let pastExpiry = expiresAt.map { now >= $0 } ?? false
        switch tradeState {
        case "SUCCESS": return .succeeded
        case "REFUND": return .refunded
        case "NOTPAY", "USERPAYING", "ACCEPT": return pastExpiry ? .expired : .requiresConfirmation
        case "CLOSED": return pastExpiry ? .expired : .closed
        case "REVOKED": return .closed
        case "PAYERROR": return .failed
        default: return .requiresConfirmation
        }
    }
}
