import KitCore
import WxPayCore
import WxPayRisk
import WxPayRiskStore

/// `refund` (docs/functions.md): full or partial refund with a factual, screened reason and an inline risk score.
///
/// `out_refund_no` derives from the order and the idempotency key, so a retried or duplicated call names the same
/// refund and WeChat Pay executes it at most once. Before any refund call the order is read: it must be paid and the
/// amount must not exceed what is left. WeChat Pay offers no per-order refund list, so "what is left" is the order
/// total minus the refunds this call can see; WeChat's own `NOT_ENOUGH` check stays authoritative (it is atomic,
/// where any pre-check is racy) and is reported as `REFUND_EXCEEDS_REMAINDER`.
public struct Refund: SessionOperation {
    /// The OpenAI tool name.
    public static let toolName = "refund_payment"

    /// The input.
    public struct Input: Decodable, Sendable {
        public var out_trade_no: String?
        public var intent_id: String?
        public var transaction_id: String?
        public var amount: Int64?
        public var idempotency_key: String
        public var reason: String?
        public var conversation: [RefundReason.Message]?
        /// Service-provider mode: the sub-merchant whose order is refunded.
        public var sub_mchid: String?
    }

    let session: PaymentSession
    let rules: RiskRules
    let matcher: ProhibitedTermMatcher
    let history: RiskHistory?

    /// Creates the operation for one invocation.
    /// - Parameter history: The risk store (`WXPAY_RISK_STORE`): the refund is scored against the payer's history
    ///   and recorded; nil: stateless.
    public init(secrets: Secrets, client: WxPayClient, rules: RiskRules, history: RiskHistory? = nil,
                now: @escaping @Sendable () -> Int64)
    {
        session = PaymentSession(secrets: secrets, client: client, now: now)
        self.rules = rules
        self.history = history
        self.matcher = ProhibitedTermMatcher(rules: rules)
    }

    /// Validates the input before any call.
    public static func validate(_ input: Input) throws(WxPayError) {
        let refs = [input.out_trade_no, input.intent_id, input.transaction_id].compactMap { $0 }
        guard refs.count == 1 else {
            throw .invalidField("out_trade_no", "exactly one of out_trade_no, intent_id or transaction_id is required")
        }
        if let tid = input.transaction_id, !(1...32).contains(tid.utf8.count) || !tid.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            throw .invalidField("transaction_id", "must be WeChat's digits")
        }
        if let no = input.out_trade_no ?? input.intent_id {
            try IntentLookupInput.validate(intentID: no, idempotencyKey: nil)
        }
        try IntentIdentity.validateKey(input.idempotency_key)
        if let amount = input.amount, !(1...10_000_000_000).contains(amount) {
            throw .invalidField("amount", "must be an integer number of fen from 1 to 10000000000")
        }
        for (i, m) in (input.conversation ?? []).enumerated() where !["user", "assistant", "system", "tool"].contains(m.role) {
            throw .invalidField("conversation[\(i)].role", "must be user or assistant")
        }
        let hasReason = input.reason.map { !$0.allSatisfy(\.isWhitespace) } ?? false
        let hasConversation = input.conversation?.contains { $0.role == "user" && !$0.content.isEmpty } ?? false
        guard hasReason || hasConversation else {
            throw .invalidField("reason", "a reason or a conversation with at least one user message is required")
        }
        if let reason = input.reason, reason.count > 2000 { throw .invalidField("reason", "must be at most 2000 characters") }
        _ = try PartnerScope.from(subMchid: input.sub_mchid)
    }

    /// Runs the operation.
    public func run(_ input: Input) throws(WxPayError) -> JSONValue {
        try Refund.validate(input)
        history?.prewarm()  // connects while WeChat Pay is asked about the order
        let partner = try PartnerScope.from(subMchid: input.sub_mchid)
        let order: JSONValue?
        if let tid = input.transaction_id {
            order = try Orders.query(client, mchid: secrets.mchid, partner: partner, transactionID: tid)
        } else {
            order = try Orders.query(client, mchid: secrets.mchid, partner: partner,
                                     outTradeNo: input.out_trade_no ?? input.intent_id ?? "")
        }
        guard let order, let outTradeNo = order["out_trade_no"]?.stringValue, let total = order["amount"]?["total"]?.intValue
        else { throw IntentLookupInput.notFound(input.out_trade_no ?? input.intent_id ?? input.transaction_id, nil) }
        let outRefundNo = IntentIdentity.outRefundNo(mchid: secrets.mchid, subMchid: partner?.subMchid,
                                                     outTradeNo: outTradeNo, idempotencyKey: input.idempotency_key)
        let amount = input.amount ?? total

        // A retry finds its refund already made: answer with it, never refund twice.
        if let existing = try existingRefund(outRefundNo, outTradeNo: outTradeNo, partner: partner) {
            guard existing["amount"]?["refund"]?.intValue == amount else {
                throw .idempotencyConflict("idempotency_key \(input.idempotency_key) already refunded another amount of this order")
            }
            return view(existing, reason: nil, risk: nil, replayed: true, partner: partner)
        }
        let state = order["trade_state"]?.stringValue ?? ""
        guard state == "SUCCESS" || state == "REFUND" else {
            throw WxPayError(code: "NOT_REFUNDABLE", message: "the order is not paid (trade_state \(state)); nothing to refund",
                             retryable: false, exitStatus: ExitStatus.businessError, httpStatus: 409)
        }
        guard amount <= total else {
            throw Refund.exceeds("the refund of \(amount) fen exceeds the order total of \(total) fen")
        }

        let reason = RefundReason(matcher: matcher).build(reason: input.reason, conversation: input.conversation,
                                                          amount: amount, outTradeNo: outTradeNo)
        // A fresh engine per refund: inline scoring has no stream history, only the request itself.
        var risk = RiskEngine(rules: rules).score(RiskTransaction(
            // Score what the user actually said, before screening: the same words score the same, text or turns.
            id: outRefundNo, amount: Int(amount),
            description: input.reason.flatMap { $0.allSatisfy(\.isWhitespace) ? nil : $0 }
                ?? (input.conversation ?? []).filter { $0.role == "user" }.map(\.content).joined(separator: "\n"),
            userOpenid: Refund.payer(order), createdAt: ChinaTime.format(unix: now()),
            type: .refund))
        if let history {
            // Across invocations: refund soon after the payer's payment (recorded by webhook), refund ratio.
            risk = history.amend(risk, RiskHistoryInput(
                id: outRefundNo, amount: Int(amount), isRefund: true, time: now(),
                payer: Refund.payer(order), order: outTradeNo), rules: rules)
        }
        let riskJSON: JSONValue = (try? JSONCoding.value(from: JSONCoding.encode(risk))) ?? .null

        var body: [String: JSONValue] = [
            "out_trade_no": .string(outTradeNo), "out_refund_no": .string(outRefundNo), "reason": .string(reason.text),
            "amount": ["refund": .int(amount), "total": .int(total), "currency": "CNY"],
        ]
        if let notify = secrets.notifyURL { body["notify_url"] = .string(notify) }
        if let partner { body["sub_mchid"] = .string(partner.subMchid) }
        let answer: WxPayAnswer
        do {
            answer = try client.post("/v3/refund/domestic/refunds", .object(body))
        } catch let error where error.wechatCode == "NOT_ENOUGH" || error.wechatCode == "NOTENOUGH" {
            throw Refund.exceeds("WeChat Pay reports the refundable remainder of this order is smaller than \(amount) fen")
                .with("wechat_code", .string(error.wechatCode ?? ""))
        }
        try AnswerMatch.require(answer.body, ["out_refund_no": outRefundNo, "out_trade_no": outTradeNo],
                                about: "refund", partner: partner, spMchid: secrets.mchid)
        return view(answer.body, reason: reason, risk: riskJSON, replayed: false, partner: partner)
    }

    /// The payer's openid of an order (a service-provider order names it `sp_openid` and/or `sub_openid`).
    static func payer(_ order: JSONValue) -> String {
        (order["payer"]?["openid"] ?? order["payer"]?["sp_openid"] ?? order["payer"]?["sub_openid"])?.stringValue ?? ""
    }

    private func existingRefund(_ outRefundNo: String, outTradeNo: String, partner: PartnerScope?)
        throws(WxPayError) -> JSONValue?
    {
        try Orders.lookUp(client, Orders.refundPath(outRefundNo, partner: partner),
                          matching: ["out_refund_no": outRefundNo, "out_trade_no": outTradeNo], about: "refund query",
                          partner: partner, spMchid: secrets.mchid)
    }

    private func view(_ refund: JSONValue, reason: RefundReason.Result?, risk: JSONValue?, replayed: Bool,
                      partner: PartnerScope?) -> JSONValue
    {
        var o = RefundView.json(refund, replayed: replayed, nextAction: false).objectValue ?? [:]
        if let partner { o["sub_mchid"] = .string(partner.subMchid) }
        if let reason {
            o["reason"] = .string(reason.text)
            o["reason_screening"] = reason.screening
        }
        if let risk { o["risk"] = risk }
        return .object(o)
    }

    static func exceeds(_ message: String) -> WxPayError {
        WxPayError(code: "REFUND_EXCEEDS_REMAINDER", message: message, retryable: false,
                   exitStatus: ExitStatus.businessError, httpStatus: 409)
    }
}
