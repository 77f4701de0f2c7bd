import KitCore

/// A WeChat Pay notification turned into the event the agent consumes (docs/functions.md#webhook).
public struct PaymentEvent: Sendable, Equatable {
    /// WeChat's notification id.
    public var id: String
    /// `payment.success`, `payment.failed`, `refund.success`, `refund.abnormal`, `refund.closed`, or `other`.
    public var type: String
    /// WeChat's `event_type`, e.g. `TRANSACTION.SUCCESS`.
    public var wechatEventType: String
    /// The notification's `create_time`.
    public var createdAt: String
    /// The full decrypted resource.
    public var resource: JSONValue
    /// The risk decision, once scored.
    public var risk: JSONValue?

    /// The merchant order number.
    public var outTradeNo: String? { resource["out_trade_no"]?.stringValue }
    /// The payer's openid (payments): `payer.openid`, or in a service-provider notification `payer.sp_openid`
    /// (under the provider's appid), else `payer.sub_openid` (under the sub-merchant's).
    public var payerOpenID: String? {
        let payer = resource["payer"]
        return (payer?["openid"] ?? payer?["sp_openid"] ?? payer?["sub_openid"])?.stringValue
    }
    /// The sub-merchant of a service-provider notification (`sub_mchid`), `nil` for a direct merchant's.
    public var subMchid: String? { resource["sub_mchid"]?.stringValue }
    /// The `attach` string of the order (payments).
    public var attach: String? { resource["attach"]?.stringValue }

    /// The normalized JSON object handed on.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "id": .string(id), "type": .string(type), "wechat_event_type": .string(wechatEventType),
            "created_at": .string(createdAt), "resource": resource,
        ]
        func copy(_ key: String, from path: [String]) {
            var v: JSONValue? = resource
            for p in path { v = v?[p] }
            if let v, !v.isNull { o[key] = v }
        }
        copy("out_trade_no", from: ["out_trade_no"])
        copy("transaction_id", from: ["transaction_id"])
        copy("success_time", from: ["success_time"])
        if type.hasPrefix("refund.") {
            copy("out_refund_no", from: ["out_refund_no"])
            copy("refund_id", from: ["refund_id"])
            copy("refund_status", from: ["refund_status"])
            copy("amount", from: ["amount", "refund"])
            copy("total_amount", from: ["amount", "total"])
            o["currency"] = resource["amount"]?["currency"] ?? "CNY"
        } else {
            copy("trade_state", from: ["trade_state"])
            copy("amount", from: ["amount", "total"])
            copy("currency", from: ["amount", "currency"])
            if let payer = payerOpenID { o["payer_openid"] = .string(payer) }
            copy("payer_sub_openid", from: ["payer", "sub_openid"])
        }
        // Service-provider mode: the sub-merchant (and its app) the order or refund belongs to.
        copy("sub_mchid", from: ["sub_mchid"])
        copy("sub_appid", from: ["sub_appid"])
        if let attach, let decoded = AttachCodec.decode(attach) {
            if let key = decoded.idempotencyKey { o["idempotency_key"] = .string(key) }
            if let data = decoded.data { o["attach"] = data }
        }
        if let risk { o["risk"] = risk }
        return .object(o)
    }

    /// Maps WeChat's `event_type` to the contract's `type`.
    public static func type(for wechatEventType: String) -> String {
        switch wechatEventType {
        case "TRANSACTION.SUCCESS": return "payment.success"
        case "TRANSACTION.FAIL": return "payment.failed"
        case "REFUND.SUCCESS": return "refund.success"
        case "REFUND.ABNORMAL": return "refund.abnormal"
        case "REFUND.CLOSED": return "refund.closed"
        default: return "other"
        }
    }
}

/// Verifies, decrypts and normalizes a notification POST.
public enum NotificationProcessor {
    /// The largest body accepted (WeChat's notifications are a few KiB).
    public static let maxBodyBytes = 64 * 1024

    /// Processes one notification.
    /// - Parameters:
    ///   - header: case-insensitive header lookup.
    ///   - body: the raw body bytes exactly as received.
    /// - Throws: `EVENT_TOO_LARGE` (413), `NOT_JSON` (400), a 77 error for every authentication failure, or
    ///   `BAD_EVENT` for a verified body of the wrong shape.
    public static func process(header: (String) -> String?, body: [UInt8], secrets: Secrets, now: Int64)
        throws(WxPayError) -> PaymentEvent
    {
        guard body.count <= maxBodyBytes else { throw .tooLarge(limit: maxBodyBytes) }
        // "Not JSON at all" is told from "JSON of the wrong shape" before touching signatures.
        guard let parsed = try? JSONCoding.value(from: body) else {
            throw .notJSON("the notification body does not parse")
        }
        let envelope = NotificationBody(parsed) ?? NotificationBody()
        // Authenticate before trusting any field of the body.
        try SignatureVerifier.verify(SignedHeaders(lookup: header), body: body, secrets: secrets, now: now)

        guard let id = envelope.id, let eventType = envelope.event_type, let resource = envelope.resource,
              let ciphertext = resource.ciphertext, let nonce = resource.nonce
        else { throw .badEvent("the notification lacks id, event_type or resource") }
        let algorithm = resource.algorithm ?? ResourceCipher.algorithm
        guard algorithm == ResourceCipher.algorithm else {
            throw .authentication("DECRYPTION_FAILED", "resource.algorithm \(algorithm) is not \(ResourceCipher.algorithm)")
        }
        let plaintext = try ResourceCipher.decrypt(ciphertext: ciphertext, nonce: nonce,
                                                   associatedData: resource.associated_data ?? "",
                                                   apiV3Key: secrets.apiV3KeyBytes)
        guard let decrypted = try? JSONCoding.value(from: plaintext), decrypted.objectValue != nil else {
            throw .authentication("DECRYPTION_FAILED", "the decrypted resource is not a JSON object")
        }
        if let sp = decrypted["sp_mchid"], !sp.isNull {
            // Service-provider mode: the provider (the secrets file's merchant) receives its sub-merchants'
            // notifications, which name the provider as `sp_mchid`/`sp_appid` and the sub-merchant as `sub_mchid`.
            guard sp.stringValue == secrets.mchid else {
                throw .authentication("MERCHANT_MISMATCH", "the decrypted resource belongs to another service provider")
            }
            guard let sub = decrypted["sub_mchid"]?.stringValue, !sub.isEmpty else {
                throw .authentication("MERCHANT_MISMATCH", "the decrypted service-provider resource names no sub_mchid")
            }
            if let appid = decrypted["sp_appid"]?.stringValue, appid != secrets.appid {
                throw .authentication("MERCHANT_MISMATCH", "the decrypted resource names another sp_appid")
            }
        } else {
            guard decrypted["mchid"]?.stringValue == secrets.mchid else {
                throw .authentication("MERCHANT_MISMATCH", "the decrypted resource belongs to another merchant")
            }
            if let appid = decrypted["appid"]?.stringValue, appid != secrets.appid {
                throw .authentication("MERCHANT_MISMATCH", "the decrypted resource names another appid")
            }
        }
        return PaymentEvent(id: id, type: PaymentEvent.type(for: eventType), wechatEventType: eventType,
                            createdAt: envelope.create_time ?? "", resource: decrypted, risk: nil)
    }
}

/// The notification body as WeChat Pay sends it: every field optional, and a field of the wrong type (not a string,
/// `resource` not an object) makes the whole body shapeless, as the Decodable struct it was did.
private struct NotificationBody {
    struct Resource {
        var original_type: String?
        var algorithm: String?
        var ciphertext: String?
        var associated_data: String?
        var nonce: String?
    }
    var id: String?
    var create_time: String?
    var resource_type: String?
    var event_type: String?
    var summary: String?
    var resource: Resource?

    init() {}

    /// The body read from its JSON value, or nil when a field has the wrong type.
    init?(_ value: JSONValue) {
        guard let o = value.objectValue else { return nil }
        /// A string field: absent or null is nil; any other type fails the body.
        func text(_ members: [String: JSONValue], _ key: String) -> String?? {
            switch members[key] {
            case nil, .null?: return .some(nil)
            case .string(let s)?: return .some(s)
            default: return nil
            }
        }
        guard let id = text(o, "id"), let createTime = text(o, "create_time"),
              let resourceType = text(o, "resource_type"), let eventType = text(o, "event_type"),
              let summary = text(o, "summary")
        else { return nil }
        (self.id, create_time, resource_type, event_type, self.summary) = (id, createTime, resourceType, eventType, summary)
        switch o["resource"] {
        case nil, .null?: resource = nil
        case .object(let r)?:
            guard let originalType = text(r, "original_type"), let algorithm = text(r, "algorithm"),
                  let ciphertext = text(r, "ciphertext"), let associatedData = text(r, "associated_data"),
                  let nonce = text(r, "nonce")
            else { return nil }
            resource = Resource(original_type: originalType, algorithm: algorithm, ciphertext: ciphertext,
                                associated_data: associatedData, nonce: nonce)
        default: return nil
        }
    }
}

/// The `attach` string carried from the order to its notification, as compact JSON of at most 128 bytes
/// (WeChat's limit): the idempotency key (`ik`), a fingerprint of the order's parameters (`fp`), the creation time
/// (`t`) and lifetime (`e`) that fix `time_expire`, and the merchant's own data (`d`).
public struct AttachCodec: Sendable, Equatable {
    /// WeChat Pay's limit on `attach`.
    public static let maxBytes = 128
    /// The longest lifetime read back from an `attach` (a week; intents live minutes): with the creation time's own
    /// range, `t + e` cannot overflow, whatever an answer carries.
    public static let maxLifetime: Int64 = 7 * 86_400

    public var idempotencyKey: String?
    public var fingerprint: String?
    public var createdAt: Int64?
    public var expiresIn: Int64?
    /// A per-creation nonce: two processes racing to create the same order send different bodies, so WeChat Pay
    /// accepts exactly one and the others learn they are replays.
    public var nonce: String?
    public var data: JSONValue?

    /// Creates attach content.
    public init(idempotencyKey: String?, fingerprint: String? = nil, createdAt: Int64? = nil, expiresIn: Int64? = nil,
                nonce: String? = nil, data: JSONValue? = nil)
    {
        self.idempotencyKey = idempotencyKey
        self.fingerprint = fingerprint
        self.createdAt = createdAt
        self.expiresIn = expiresIn
        self.nonce = nonce
        self.data = data
    }

    /// The compact JSON text, or `nil` when it would exceed 128 bytes.
    public func encoded() -> String? {
        var o: [String: JSONValue] = [:]
        if let idempotencyKey { o["ik"] = .string(idempotencyKey) }
        if let fingerprint { o["fp"] = .string(fingerprint) }
        if let createdAt { o["t"] = .int(createdAt) }
        if let expiresIn { o["e"] = .int(expiresIn) }
        if let nonce { o["n"] = .string(nonce) }
        if let data, !data.isNull { o["d"] = data }
        guard let s = try? JSONCoding.string(JSONValue.object(o)), s.utf8.count <= AttachCodec.maxBytes else { return nil }
        return s
    }

    /// Encodes a key and data only (the simulator's notifications).
    public static func encode(idempotencyKey: String, data: JSONValue?) -> String? {
        AttachCodec(idempotencyKey: idempotencyKey, data: data).encoded()
    }

    /// Decodes what ``encoded()`` wrote; `nil` for foreign attach strings.
    public static func decode(_ attach: String) -> AttachCodec? {
        guard let v = try? JSONCoding.value(from: Array(attach.utf8)), let o = v.objectValue else { return nil }
        return AttachCodec(idempotencyKey: o["ik"]?.stringValue, fingerprint: o["fp"]?.stringValue,
                           createdAt: o["t"]?.intValue.flatMap { Untrusted.unixSecondsRange.contains($0) ? $0 : nil },
                           expiresIn: o["e"]?.intValue.flatMap { (0...AttachCodec.maxLifetime).contains($0) ? $0 : nil }, nonce: o["n"]?.stringValue,
                           data: o["d"])
    }
}
