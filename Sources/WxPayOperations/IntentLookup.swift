import KitCore
import WxPayCore
import WxPayHTTP

/// `intent-status` (docs/functions.md#intent-status): the intent's state, optionally waiting until it is terminal.
public struct GetIntentStatus: Sendable, SessionOperation {
    /// The OpenAI tool name.
    public static let toolName = "get_payment_status"
    /// Longest `wait`, seconds.
    public static let maxWait: Int64 = 600

    /// The input: `intent_id` or `idempotency_key`, optional `wait` seconds.
    public struct Input: Decodable, Sendable {
        public var intent_id: String?
        public var idempotency_key: String?
        public var wait: Int64?
        /// Service-provider mode: the sub-merchant the intent was made for.
        public var sub_mchid: String?
    }

    let session: PaymentSession

    /// Creates the operation for one invocation.
    public init(secrets: Secrets, client: WxPayClient, now: @escaping @Sendable () -> Int64) {
        session = PaymentSession(secrets: secrets, client: client, now: now)
    }

    /// Validates the input before any call.
    public static func validate(_ input: Input) throws(WxPayError) {
        try IntentLookupInput.validate(intentID: input.intent_id, idempotencyKey: input.idempotency_key)
        _ = try PartnerScope.from(subMchid: input.sub_mchid)
        if let w = input.wait, !(0...maxWait).contains(w) { throw .invalidField("wait", "must be 0 to \(maxWait) seconds") }
    }

    /// Runs the operation: polls with back-off (0.5 s doubling to 5 s) until terminal or `wait` elapses.
    public func run(_ input: Input) throws(WxPayError) -> JSONValue {
        try GetIntentStatus.validate(input)
        let partner = try PartnerScope.from(subMchid: input.sub_mchid)
        // Never wait past the invocation: keep a second for the last query.
        let waitUntil = min(Deadline.after(seconds: Double(input.wait ?? 0)),
                            Deadline(instant: client.deadline.instant - 1))
        var pause = 0.5
        while true {
            guard let (no, order) = try Orders.resolve(client, mchid: secrets.mchid, partner: partner,
                                                       intentID: input.intent_id, idempotencyKey: input.idempotency_key)
            else { throw IntentLookupInput.notFound(input.intent_id, input.idempotency_key) }
            let view = IntentView(outTradeNo: no, order: order, now: now())
            if view.status.isTerminal || waitUntil.hasPassed { return view.json }
            let sleep = min(pause, waitUntil.remaining)
            // Keep time to make the last query inside the invocation's budget.
            guard sleep > 0, waitUntil.remaining > 0.05 else { return view.json }
            sleepSeconds(sleep)
            pause = min(pause * 2, 5)
        }
    }
}

/// `close-intent` (docs/functions.md): closes an unpaid intent; closing a closed one is a no-op, a paid one is refused.
public struct CloseIntent: Sendable, SessionOperation {
    /// The OpenAI tool name.
    public static let toolName = "cancel_payment_intent"

    /// The input: `intent_id` or `idempotency_key`; `sub_mchid` in service-provider mode.
    public struct Input: Decodable, Sendable {
        public var intent_id: String?
        public var idempotency_key: String?
        public var sub_mchid: String?
    }

    /// Validates the input before any call.
    public static func validate(_ input: Input) throws(WxPayError) {
        try IntentLookupInput.validate(intentID: input.intent_id, idempotencyKey: input.idempotency_key)
        _ = try PartnerScope.from(subMchid: input.sub_mchid)
    }

    let session: PaymentSession

    /// Creates the operation for one invocation.
    public init(secrets: Secrets, client: WxPayClient, now: @escaping @Sendable () -> Int64) {
        session = PaymentSession(secrets: secrets, client: client, now: now)
    }

    /// Runs the operation.
    public func run(_ input: Input) throws(WxPayError) -> JSONValue {
        try CloseIntent.validate(input)
        let partner = try PartnerScope.from(subMchid: input.sub_mchid)
        guard let (no, order) = try Orders.resolve(client, mchid: secrets.mchid, partner: partner,
                                                   intentID: input.intent_id, idempotencyKey: input.idempotency_key)
        else { throw IntentLookupInput.notFound(input.intent_id, input.idempotency_key) }
        let before = IntentView(outTradeNo: no, order: order, now: now())
        switch before.order["trade_state"]?.stringValue {
        case "SUCCESS", "REFUND":
            throw WxPayError.wechatRefused(status: 400, wechatCode: "ORDERPAID",
                                           message: "the intent is already paid; refund it instead of closing")
        case "CLOSED", "REVOKED":
            var o = before.json.objectValue ?? [:]
            o["closed"] = true
            o["already_closed"] = true
            return .object(o)
        default:
            do {
                try Orders.close(client, mchid: secrets.mchid, partner: partner, outTradeNo: no)
            } catch let error where error.wechatCode == "ORDER_CLOSED" {
                // Closed meanwhile (expiry or another call): the goal is reached.
            }
            // A close is answered 204 with no body: nothing in it names this order, and the signed empty answer of
            // any other close (replayed inside the 300 s window, misrouted by a proxy) looks the same. So the order
            // is read back, and "closed" is reported only once WeChat Pay shows it closed.
            guard let after = try Orders.query(client, mchid: secrets.mchid, partner: partner, outTradeNo: no) else {
                throw IntentLookupInput.notFound(input.intent_id, input.idempotency_key)
            }
            let state = after["trade_state"]?.stringValue ?? ""
            switch state {
            case "CLOSED", "REVOKED":
                var o = IntentView(outTradeNo: no, order: after, now: now()).json.objectValue ?? [:]
                o["status"] = .string(IntentStatus.closed.rawValue)
                o["closed"] = true
                o["already_closed"] = false
                return .object(o)
            case "SUCCESS", "REFUND":
                throw WxPayError.wechatRefused(status: 400, wechatCode: "ORDERPAID",
                                               message: "the intent was paid before it could be closed; refund it instead")
            default:
                throw AnswerMatch.mismatch(
                    "close: WeChat Pay answered the close, but the order reads back \(state.isEmpty ? "without a state" : state)")
            }
        }
    }
}

/// Shared validation for inputs naming an intent.
enum IntentLookupInput {
    static func validate(intentID: String?, idempotencyKey: String?) throws(WxPayError) {
        switch (intentID, idempotencyKey) {
        case (nil, nil): throw .invalidField("intent_id", "intent_id or idempotency_key is required")
        case (let id?, _):
            guard (6...32).contains(id.utf8.count),
                  id.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A)
                      || $0 == 0x5F || $0 == 0x2D || $0 == 0x7C || $0 == 0x2A })
            else { throw .invalidField("intent_id", "must be 6 to 32 characters of [0-9A-Za-z_|*-]") }
        case (nil, let key?): try IntentLookupInput.validateKey(key)
        }
    }

    static func validateKey(_ key: String) throws(WxPayError) { try IntentIdentity.validateKey(key) }

    static func notFound(_ intentID: String?, _ key: String?) -> WxPayError {
        WxPayError(code: "INTENT_NOT_FOUND",
                   message: intentID.map { "no intent \($0) exists" } ?? "no intent exists for this idempotency_key",
                   retryable: false, exitStatus: ExitStatus.businessError, httpStatus: 404)
    }
}

/// The agent-facing view of a WeChat Pay order.
struct IntentView {
    let outTradeNo: String
    let order: JSONValue
    let status: IntentStatus
    let attach: AttachCodec?

    init(outTradeNo: String, order: JSONValue, now: Int64) {
        self.outTradeNo = outTradeNo
        self.order = order
        attach = order["attach"]?.stringValue.flatMap(AttachCodec.decode)
        let expiresAt = attach.flatMap { a in a.createdAt.map { $0 + (a.expiresIn ?? 300) } }
        status = IntentStatus.from(tradeState: order["trade_state"]?.stringValue ?? "NOTPAY", expiresAt: expiresAt, now: now)
    }

    var json: JSONValue {
        var o: [String: JSONValue] = [
            "intent_id": .string(outTradeNo), "out_trade_no": .string(outTradeNo), "status": .string(status.rawValue),
            "trade_state": order["trade_state"] ?? "NOTPAY",
            "amount": order["amount"]?["total"] ?? .null, "currency": order["amount"]?["currency"] ?? "CNY",
        ]
        if let v = order["trade_state_desc"] { o["trade_state_desc"] = v }
        if let v = order["amount"]?["payer_total"] { o["payer_total"] = v }
        if let v = order["transaction_id"], !v.isNull { o["transaction_id"] = v }
        if status == .succeeded || status == .refunded {
            // Service-provider orders name the payer as `sp_openid` (the provider's app) and/or `sub_openid`.
            if let v = order["payer"]?["openid"] ?? order["payer"]?["sp_openid"] ?? order["payer"]?["sub_openid"],
               !v.isNull
            {
                o["payer_openid"] = v
            }
            if let v = order["payer"]?["sub_openid"], !v.isNull { o["payer_sub_openid"] = v }
        }
        if let v = order["sub_mchid"], !v.isNull { o["sub_mchid"] = v }
        if let v = order["success_time"], !v.isNull { o["success_time"] = v }
        if let v = order["trade_type"] { o["trade_type"] = v }
        if let attach {
            if let k = attach.idempotencyKey { o["idempotency_key"] = .string(k) }
            if let t = attach.createdAt {
                o["expires_at"] = .string(ChinaTime.format(unix: t + (attach.expiresIn ?? 300)))
            }
            if let d = attach.data { o["attach"] = d }
        }
        if let attempt = IntentIdentity.attempt(ofOutTradeNo: outTradeNo) { o["attempt"] = .int(Int64(attempt)) }
        return .object(o)
    }
}
