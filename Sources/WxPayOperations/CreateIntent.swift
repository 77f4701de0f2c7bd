import KitCore
import Logging
import WxPayCore
import WxPayCrypto
import WxPayQR

/// `create-intent` (docs/functions.md): creates, or finds again, the WeChat Pay order for an agent conversation.
///
/// Idempotency without a database: the order number derives from the idempotency key (and attempt), and the
/// order's `attach` carries a fingerprint of its parameters plus the creation time that fixes `time_expire`. A repeat
/// call queries the order first: same fingerprint → the same intent (`replayed: true`, the prepay call is repeated
/// with byte-identical parameters so WeChat returns the live `prepay_id`); another fingerprint →
/// `IDEMPOTENCY_CONFLICT`. Concurrent first calls race on WeChat's own `out_trade_no` uniqueness, and the losers
/// fall back to the replay path: exactly one order exists, whatever the number of processes.
public struct CreateIntent: Sendable, SessionOperation {
    /// The OpenAI tool name.
    public static let toolName = "create_payment_intent"

    /// The validated input.
    public struct Input: Decodable, Sendable {
        public var amount: Int64
        public var description: String
        public var user_openid: String?
        public var idempotency_key: String
        public var channel: String?
        public var client: Client?
        public var expires_in: Int64?
        public var attach: JSONValue?
        public var attempt: Int?
        /// `reprompt` (default) or `fallback_link`: what to do when the intent has expired.
        public var on_expiry: String?

        public struct Client: Decodable, Sendable {
            public var in_wechat: Bool?
            public var mini_program: Bool?
            public var mobile: Bool?
            public var ip: String?
        }
    }

    /// The five WeChat Pay channels.
    public enum Channel: String, Sendable, CaseIterable {
        case jsapi, miniprogram, h5, native, app

        /// The prepay endpoint.
        var path: String {
            switch self {
            case .jsapi, .miniprogram: return "/v3/pay/transactions/jsapi"
            case .h5: return "/v3/pay/transactions/h5"
            case .native: return "/v3/pay/transactions/native"
            case .app: return "/v3/pay/transactions/app"
            }
        }

        /// The channel an existing order was made through (its `trade_type`); `requested` when it fits.
        static func of(_ order: JSONValue, requested: Channel) -> Channel {
            switch order["trade_type"]?.stringValue {
            case "JSAPI"?: return requested == .miniprogram ? .miniprogram : .jsapi
            case "NATIVE"?: return .native
            case "MWEB"?: return .h5
            case "APP"?: return .app
            default: return requested
            }
        }

        /// Picks a channel from client hints: mini-program → `miniprogram`; inside WeChat → `jsapi`; another
        /// mobile browser → `h5`; anything else (desktop) → `native` (a QR code).
        static func choose(_ client: Input.Client?) -> Channel {
            if client?.mini_program == true { return .miniprogram }
            if client?.in_wechat == true { return .jsapi }
            if client?.mobile == true { return .h5 }
            return .native
        }
    }

    let session: PaymentSession
    /// Where a native intent's missing QR code is reported (libqrencode not installed): a warning, never a failure.
    let logger: Logger?

    /// Creates the operation for one invocation.
    public init(secrets: Secrets, client: WxPayClient, now: @escaping @Sendable () -> Int64, logger: Logger? = nil) {
        session = PaymentSession(secrets: secrets, client: client, now: now)
        self.logger = logger
    }

    /// Validates `input` completely before any call (a bad event never reaches WeChat Pay).
    public static func validate(_ input: Input) throws(WxPayError) -> Channel {
        guard (1...10_000_000_000).contains(input.amount) else {
            throw .invalidField("amount", "must be an integer number of fen from 1 to 10000000000")
        }
        let chars = input.description.count
        guard (1...127).contains(chars), !input.description.allSatisfy(\.isWhitespace) else {
            throw .invalidField("description", "must be 1 to 127 characters")
        }
        try IntentIdentity.validateKey(input.idempotency_key)
        if let e = input.expires_in, !(60...7200).contains(e) {
            throw .invalidField("expires_in", "must be 60 to 7200 seconds")
        }
        if let a = input.attempt, !(1...999).contains(a) { throw .invalidField("attempt", "must be 1 to 999") }
        if let o = input.on_expiry, o != "reprompt", o != "fallback_link" {
            throw .invalidField("on_expiry", "must be reprompt or fallback_link")
        }
        if let attach = input.attach, attach.objectValue == nil, !attach.isNull {
            throw .invalidField("attach", "must be an object")
        }
        let channel: Channel
        if let name = input.channel {
            guard let c = Channel(rawValue: name) else {
                throw .invalidField("channel", "must be one of jsapi, miniprogram, h5, native, app")
            }
            channel = c
        } else {
            channel = Channel.choose(input.client)
        }
        if channel == .jsapi || channel == .miniprogram {
            guard let openid = input.user_openid, !openid.isEmpty, openid.utf8.count <= 128 else {
                throw .invalidField("user_openid", "is required for the \(channel.rawValue) channel")
            }
        }
        if channel == .h5 {
            guard let ip = input.client?.ip, !ip.isEmpty else {
                throw .invalidField("client.ip", "the payer's IP is required for the h5 channel")
            }
        }
        return channel
    }

    /// Runs the operation.
    ///
    /// Without `attempt`, the latest existing attempt of the key is the intent (so a repeat after a re-prompt or a
    /// fallback link reports that attempt, not the expired first one); with `attempt`, exactly that attempt.
    public func run(_ input: Input) throws(WxPayError) -> JSONValue {
        let requested = try CreateIntent.validate(input)
        guard let notifyURL = secrets.notifyURL else {
            throw .secretsInvalid("notify_url", "is required to create payment intents")
        }
        let expiresIn = input.expires_in ?? 300
        // The purchase, not the way it is confirmed: a fallback link through another channel is the same intent.
        let fingerprint = IntentIdentity.fingerprint([
            secrets.appid, String(input.amount), input.description, input.user_openid ?? "",
            String(expiresIn), (try? JSONCoding.string(input.attach ?? .null)) ?? "",
        ])
        // The attach size is part of validation: checked before any call.
        let nonce = Hex.encode(SecureRandom.bytes(3))
        guard AttachCodec(idempotencyKey: input.idempotency_key, fingerprint: fingerprint, createdAt: now(),
                          expiresIn: expiresIn, nonce: nonce, data: input.attach).encoded() != nil
        else { throw .invalidField("attach", "with the idempotency key it exceeds WeChat Pay's 128 bytes; shorten it") }
        func request(_ channel: Channel, attempt: Int) -> OrderRequest {
            OrderRequest(secrets: secrets, channel: channel, input: input,
                         outTradeNo: IntentIdentity.outTradeNo(mchid: secrets.mchid, idempotencyKey: input.idempotency_key,
                                                               attempt: attempt),
                         notifyURL: notifyURL, fingerprint: fingerprint, expiresIn: expiresIn)
        }

        // Optimistic first call: create the order. A new key (the common case) needs one round trip. If the number
        // is taken — by an earlier call, a concurrent process (its attach nonce differs from ours), a paid or closed
        // order — WeChat Pay refuses, and the existing order is looked up and resumed.
        let attempt = input.attempt ?? 1
        let order = request(requested, attempt: attempt)
        let createdAt = now()
        do {
            let answer = try client.post(requested.path, try order.body(createdAt: createdAt, nonce: nonce))
            return try intent(order: order, answer: answer.body, createdAt: createdAt, replayed: false)
        } catch let error where CreateIntent.numberTaken(error) {
            // Without `attempt`, the latest attempt of the key is the intent (so a repeat after a re-prompt or a
            // fallback link reports that attempt, not the expired first one).
            let found: (outTradeNo: String, order: JSONValue)?
            if input.attempt == nil {
                found = try Orders.resolve(client, mchid: secrets.mchid, intentID: nil, idempotencyKey: input.idempotency_key)
            } else {
                found = try Orders.query(client, mchid: secrets.mchid, outTradeNo: order.outTradeNo).map { (order.outTradeNo, $0) }
            }
            guard let (no, existing) = found else { throw error }
            let latest = IntentIdentity.attempt(ofOutTradeNo: no) ?? attempt
            return try resume(existing, order: request(Channel.of(existing, requested: requested), attempt: latest),
                              input: input, attempt: latest)
        }
    }

    /// WeChat Pay's answers meaning "this out_trade_no already names an order".
    static func numberTaken(_ error: WxPayError) -> Bool {
        switch error.wechatCode {
        case "INVALID_REQUEST"?, "OUT_TRADE_NO_USED"?, "ORDERPAID"?, "ORDER_CLOSED"?: return true
        case "PARAM_ERROR"?: return error.message.contains("out_trade_no")
        default: return false
        }
    }

    /// Continues from an order that already exists.
    private func resume(_ existing: JSONValue, order: OrderRequest, input: Input, attempt: Int) throws(WxPayError)
        -> JSONValue
    {
        let attach = existing["attach"]?.stringValue.flatMap(AttachCodec.decode)
        guard let attach, attach.fingerprint == order.fingerprint, let createdAt = attach.createdAt else {
            throw .idempotencyConflict(
                "idempotency_key \(input.idempotency_key) (attempt \(attempt)) already names an order with other parameters; "
                    + "use a new key, or the same parameters")
        }
        let state = existing["trade_state"]?.stringValue ?? "NOTPAY"
        let expiresAt = createdAt + (attach.expiresIn ?? order.expiresIn)
        let status = IntentStatus.from(tradeState: state, expiresAt: expiresAt, now: now())
        switch status {
        case .requiresConfirmation:
            // Repeat the prepay with byte-identical parameters: WeChat answers with the live prepay_id.
            let answer = try client.post(order.channel.path, try order.body(createdAt: createdAt, nonce: attach.nonce))
            return try intent(order: order, answer: answer.body, createdAt: createdAt, replayed: true)
        case .expired, .closed:
            return try expired(order: order, status: status, input: input, attempt: attempt, createdAt: createdAt)
        case .succeeded, .refunded, .failed:
            var o = summary(order: order, createdAt: createdAt, status: status, replayed: true).objectValue ?? [:]
            if let tid = existing["transaction_id"]?.stringValue { o["transaction_id"] = .string(tid) }
            if let payer = existing["payer"]?["openid"]?.stringValue { o["payer_openid"] = .string(payer) }
            o["trade_state"] = .string(state)
            return .object(o)
        }
    }

    /// What became of an intent that was never paid, as the hints say it: the real state, so an agent never tells
    /// a user whose intent was cancelled that their time ran out (or the other way round).
    static func unpaidOutcome(_ status: IntentStatus) -> String {
        switch status {
        case .closed: "This intent was closed (cancelled) before it was paid; nothing was charged."
        case .expired: "The payment window expired before the user paid; nothing was charged."
        case .requiresConfirmation, .succeeded, .refunded, .failed: "This intent is \(status.rawValue)."
        }
    }

    /// The answer for an expired or closed intent: what the agent should do next, in hints that name which of the
    /// two it is.
    private func expired(order: OrderRequest, status: IntentStatus, input: Input, attempt: Int, createdAt: Int64)
        throws(WxPayError) -> JSONValue
    {
        var o = summary(order: order, createdAt: createdAt, status: status, replayed: true).objectValue ?? [:]
        let next = attempt + 1
        let outcome = CreateIntent.unpaidOutcome(status)
        let stillWants = status == .closed ? " only if they still want to buy" : ""
        if input.on_expiry == "fallback_link" {
            // Make attempt N+1 as a native (QR) or h5 order right away: a link the user can open anywhere.
            var fallback = input
            fallback.attempt = next
            fallback.channel = input.client?.mobile == true && input.client?.ip != nil ? "h5" : "native"
            fallback.on_expiry = "reprompt"
            let fresh = try run(fallback)
            o["next_action"] = [
                "type": "fallback_link", "attempt": .int(Int64(next)),
                "url": fresh["confirmation_url"] ?? .null, "intent": fresh,
                "hint": .string("\(outcome) Offer the user this link\(stillWants); it is a new intent with its own expiry."),
            ]
        } else {
            o["next_action"] = [
                "type": "reprompt", "attempt": .int(Int64(next)),
                "hint": .string("\(outcome) Ask the user whether to try again; if yes, call "
                    + "\(CreateIntent.toolName) with the same idempotency_key and \"attempt\": \(next)."),
            ]
        }
        return .object(o)
    }

    private func summary(order: OrderRequest, createdAt: Int64, status: IntentStatus, replayed: Bool) -> JSONValue {
        [
            "intent_id": .string(order.outTradeNo), "out_trade_no": .string(order.outTradeNo),
            "status": .string(status.rawValue), "channel": .string(order.channel.rawValue),
            "amount": .int(order.input.amount), "currency": "CNY",
            "expires_at": .string(ChinaTime.format(unix: createdAt + order.expiresIn)),
            "idempotency_key": .string(order.input.idempotency_key), "replayed": .bool(replayed),
            "attempt": .int(Int64(IntentIdentity.attempt(ofOutTradeNo: order.outTradeNo) ?? 1)),
        ]
    }

    /// The `requires_confirmation` answer with what the user confirms with.
    private func intent(order: OrderRequest, answer: JSONValue, createdAt: Int64, replayed: Bool) throws(WxPayError)
        -> JSONValue
    {
        var o = summary(order: order, createdAt: createdAt, status: .requiresConfirmation, replayed: replayed)
            .objectValue ?? [:]
        switch order.channel {
        case .jsapi, .miniprogram:
            guard let prepay = answer["prepay_id"]?.stringValue else {
                throw .unavailable("WeChat Pay's prepay answer lacks prepay_id")
            }
            o["confirmation"] = try CreateIntent.jsapiParameters(secrets: secrets, prepayID: prepay, now: now())
            if let page = pageURL(order: order, createdAt: createdAt, target: prepay) {
                o["confirmation_url"] = .string(page)
            } else if let page = secrets.confirmPageURL {
                o["confirmation_url"] = .string(page + (page.contains("?") ? "&" : "?") + "intent_id=" + order.outTradeNo)
            }
        case .app:
            guard let prepay = answer["prepay_id"]?.stringValue else {
                throw .unavailable("WeChat Pay's prepay answer lacks prepay_id")
            }
            let timestamp = String(now())
            let nonce = SecureRandom.alphanumeric(32)
            let sign = try RequestSigner(secrets: secrets).sign("\(secrets.appid)\n\(timestamp)\n\(nonce)\n\(prepay)\n")
            o["confirmation"] = [
                "appid": .string(secrets.appid), "partnerid": .string(secrets.mchid), "prepayid": .string(prepay),
                "package": "Sign=WXPay", "noncestr": .string(nonce), "timestamp": .string(timestamp), "sign": .string(sign),
            ]
        case .h5:
            guard let url = answer["h5_url"]?.stringValue else { throw .unavailable("WeChat Pay's answer lacks h5_url") }
            if let page = pageURL(order: order, createdAt: createdAt, target: url) {
                o["confirmation_url"] = .string(page)
                o["h5_url"] = .string(url)
            } else {
                o["confirmation_url"] = .string(url)
            }
        case .native:
            guard let url = answer["code_url"]?.stringValue else { throw .unavailable("WeChat Pay's answer lacks code_url") }
            if let page = pageURL(order: order, createdAt: createdAt, target: url) {
                o["confirmation_url"] = .string(page)
                o["code_url"] = .string(url)
            } else {
                o["confirmation_url"] = .string(url)
            }
            if let svg = qrSVG(url) { o["qr_svg"] = .string(svg) }
        }
        return .object(o)
    }

    /// The `wx.requestPayment` / `WeixinJSBridge` `getBrandWCPayRequest` parameters of a JSAPI or mini-program
    /// prepay: `paySign` is SHA256withRSA with the merchant key over `appId\ntimeStamp\nnonceStr\npackage\n`, with a
    /// fresh nonce. Shared with wxpay-server's payment page, which signs them anew for each view.
    public static func jsapiParameters(secrets: Secrets, prepayID: String, now: Int64) throws(WxPayError) -> JSONValue {
        let timeStamp = String(now)
        let nonce = SecureRandom.alphanumeric(32)
        let package = "prepay_id=\(prepayID)"
        let paySign = try RequestSigner(secrets: secrets).sign("\(secrets.appid)\n\(timeStamp)\n\(nonce)\n\(package)\n")
        return [
            "appId": .string(secrets.appid), "timeStamp": .string(timeStamp), "nonceStr": .string(nonce),
            "package": .string(package), "signType": "RSA", "paySign": .string(paySign),
        ]
    }

    /// wxpay-server's hosted page for this intent, `{public_url}/pay/{intent_id}?t=TOKEN`, when the secrets file
    /// has `public_url` (and so `page_key`) and the channel is one a web page confirms (jsapi, h5, native).
    private func pageURL(order: OrderRequest, createdAt: Int64, target: String) -> String? {
        guard let base = secrets.publicURL, let key = secrets.pageKeyBytes,
              PayPageTicket.pageChannels.contains(order.channel) else { return nil }
        return PayPageTicket(intentID: order.outTradeNo, channel: order.channel, description: order.input.description,
                             target: target, expiresAt: createdAt + order.expiresIn).url(publicURL: base, key: key)
    }

    /// The QR code of a native intent's `code_url` as SVG, or `nil` (a logged warning) when libqrencode cannot be
    /// loaded: the intent exists and its `confirmation_url` is in the answer, so a missing picture never fails it.
    private func qrSVG(_ url: String) -> String? {
        do throws(QRError) { return try QRCode.encode(url).svg() } catch {
            logger?.warning("no QR code in the answer", metadata: ["reason": .string(error.description)])
            return nil
        }
    }
}

/// One prepay request, reproducible byte for byte from its creation time.
struct OrderRequest: Sendable {
    let secrets: Secrets
    let channel: CreateIntent.Channel
    let input: CreateIntent.Input
    let outTradeNo: String
    let notifyURL: String
    let fingerprint: String
    let expiresIn: Int64

    func attach(createdAt: Int64, nonce: String?) throws(WxPayError) -> String {
        let codec = AttachCodec(idempotencyKey: input.idempotency_key, fingerprint: fingerprint, createdAt: createdAt,
                                expiresIn: expiresIn, nonce: nonce, data: input.attach)
        guard let text = codec.encoded() else {
            throw .invalidField("attach", "with the idempotency key it exceeds WeChat Pay's 128 bytes; shorten it")
        }
        return text
    }

    func body(createdAt: Int64, nonce: String?) throws(WxPayError) -> JSONValue {
        var o: [String: JSONValue] = [
            "appid": .string(secrets.appid), "mchid": .string(secrets.mchid), "description": .string(input.description),
            "out_trade_no": .string(outTradeNo), "time_expire": .string(ChinaTime.format(unix: createdAt + expiresIn)),
            "attach": .string(try attach(createdAt: createdAt, nonce: nonce)), "notify_url": .string(notifyURL),
            "amount": ["total": .int(input.amount), "currency": "CNY"],
        ]
        switch channel {
        case .jsapi, .miniprogram:
            o["payer"] = ["openid": .string(input.user_openid ?? "")]
        case .h5:
            o["scene_info"] = [
                "payer_client_ip": .string(input.client?.ip ?? ""), "h5_info": ["type": "Wap"],
            ]
        case .native, .app:
            if let ip = input.client?.ip { o["scene_info"] = ["payer_client_ip": .string(ip)] }
        }
        return .object(o)
    }
}

/// Order lookups shared by the operations.
enum Orders {
    /// The order, or `nil` when WeChat Pay does not know it.
    static func query(_ client: WxPayClient, mchid: String, outTradeNo: String) throws(WxPayError) -> JSONValue? {
        try lookUp(client, "/v3/pay/transactions/out-trade-no/\(PathSegment.escape(outTradeNo))?mchid=\(mchid)",
                   matching: ["out_trade_no": outTradeNo, "mchid": mchid], about: "order query")
    }

    /// The order by WeChat's transaction id, or `nil`.
    static func query(_ client: WxPayClient, mchid: String, transactionID: String) throws(WxPayError) -> JSONValue? {
        try lookUp(client, "/v3/pay/transactions/id/\(PathSegment.escape(transactionID))?mchid=\(mchid)",
                   matching: ["transaction_id": transactionID, "mchid": mchid], about: "order query")
    }

    /// `GET path`: the answer once it is shown to be about what was asked (``AnswerMatch``), or `nil` when WeChat
    /// Pay does not know the order or refund.
    static func lookUp(_ client: WxPayClient, _ path: String, matching expected: KeyValuePairs<String, String>,
                       about what: String) throws(WxPayError) -> JSONValue?
    {
        let answer: JSONValue
        do {
            answer = try client.get(path).body
        } catch let error where ["ORDER_NOT_EXIST", "ORDERNOTEXIST", "RESOURCE_NOT_EXISTS"].contains(error.wechatCode) {
            return nil
        }
        try AnswerMatch.require(answer, expected, about: what)
        return answer
    }

    /// Resolves `intent_id` or `idempotency_key` to the latest order: for a key, attempts 1, 2, ... are
    /// queried until one is missing.
    static func resolve(_ client: WxPayClient, mchid: String, intentID: String?, idempotencyKey: String?)
        throws(WxPayError) -> (outTradeNo: String, order: JSONValue)?
    {
        if let intentID {
            return try query(client, mchid: mchid, outTradeNo: intentID).map { (intentID, $0) }
        }
        guard let key = idempotencyKey else { throw .invalidField("intent_id", "intent_id or idempotency_key is required") }
        var latest: (String, JSONValue)? = nil
        for attempt in 1...50 {
            let no = IntentIdentity.outTradeNo(mchid: mchid, idempotencyKey: key, attempt: attempt)
            guard let order = try query(client, mchid: mchid, outTradeNo: no) else { break }
            latest = (no, order)
        }
        return latest
    }
}
