import KitCore
import WxPayCore
import WxPayCrypto

/// `trade_state` of an order.
public enum TradeState: String, Sendable, CaseIterable {
    case notPaid = "NOTPAY"
    case success = "SUCCESS"
    case closed = "CLOSED"
    case payError = "PAYERROR"
    case refund = "REFUND"

    /// `trade_state_desc`, as WeChat words it.
    public var description: String {
        switch self {
        case .notPaid: "订单未支付"
        case .success: "支付成功"
        case .closed: "订单已关闭"
        case .payError: "支付失败，请重新下单支付"
        case .refund: "订单发生过退款"
        }
    }

    /// Whether the order was paid (and may be refunded).
    public var isPaid: Bool { self == .success || self == .refund }
}

/// One order the emulator keeps.
public struct OrderRecord: Sendable {
    public var request: PrepayRequest
    public var prepayID: String
    public var createdAt: Int64
    /// When an unpaid order stops being payable (`time_expire`, moved up to one minute after ordering).
    public var expiresAt: Int64
    public var state: TradeState
    /// Why the order closed: `closed` (close API), `expired` (time_expire passed).
    public var closedBy: String?
    public var transactionID: String?
    public var successTime: Int64?
    public var payerOpenID: String?
    /// Sum of the refunds accepted against this order (not counting closed ones).
    public var refunded: Int64 = 0

    /// The prepay answer for the order's endpoint.
    public var prepayAnswer: JSONValue {
        switch request.tradeType {
        case .jsapi, .app: ["prepay_id": .string(prepayID)]
        case .native: ["code_url": .string("weixin://wxpay/bizpayurl?pr=" + String(prepayID.suffix(9)))]
        case .h5:
            ["h5_url": .string("https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=\(prepayID)&package=2150917749")]
        }
    }

    /// The `Transaction` object of the query endpoints.
    public var transaction: JSONValue {
        var o: [String: JSONValue] = [
            "appid": .string(request.appid), "mchid": .string(request.mchid),
            "out_trade_no": .string(request.outTradeNo), "trade_type": .string(request.tradeType.wechatName),
            "trade_state": .string(state.rawValue), "trade_state_desc": .string(state.description),
            "promotion_detail": [],
        ]
        var amount: [String: JSONValue] = ["total": .int(request.total), "currency": .string(request.currency),
                                           "payer_currency": .string(request.currency)]
        if let transactionID { o["transaction_id"] = .string(transactionID) }
        if let attach = request.attach { o["attach"] = .string(attach) }
        if state.isPaid {
            amount["payer_total"] = .int(request.total)
            o["bank_type"] = "OTHERS"
            if let successTime { o["success_time"] = .string(ChinaTime.format(unix: successTime)) }
            if let payerOpenID { o["payer"] = ["openid": .string(payerOpenID)] }
        } else if let openid = request.payerOpenID {
            o["payer"] = ["openid": .string(openid)]
        }
        o["amount"] = .object(amount)
        return request.partner?.transaction(o) ?? .object(o)
    }

    /// What the control API shows: the transaction plus the emulator's bookkeeping.
    public var controlView: JSONValue {
        guard case .object(var o) = transaction else { return transaction }
        o["prepay_id"] = .string(prepayID)
        o["notify_url"] = .string(request.notifyURL)
        o["description"] = .string(request.description)
        o["created_at"] = .string(ChinaTime.format(unix: createdAt))
        o["expires_at"] = .string(ChinaTime.format(unix: expiresAt))
        o["refunded"] = .int(refunded)
        o["refundable"] = .int(state.isPaid ? request.total - refunded : 0)
        if let closedBy { o["closed_by"] = .string(closedBy) }
        if let t = request.timeExpire { o["time_expire"] = .string(t) }
        return .object(o)
    }
}

/// One refund the emulator keeps.
public struct RefundRecord: Sendable {
    public var request: RefundRequest
    public var refundID: String
    public var outTradeNo: String
    public var transactionID: String
    public var total: Int64
    public var status: String
    public var createdAt: Int64
    public var successTime: Int64?
    /// The notification target: the refund's own `notify_url`, else the order's.
    public var notifyURL: String
    /// The sub-merchant of a service provider's refund.
    public var subMchid: String? = nil

    /// The `Refund` object of the create and query endpoints.
    public var answer: JSONValue {
        var o: [String: JSONValue] = [
            "refund_id": .string(refundID), "out_refund_no": .string(request.outRefundNo),
            "transaction_id": .string(transactionID), "out_trade_no": .string(outTradeNo),
            "channel": "ORIGINAL", "user_received_account": "支付用户零钱",
            "create_time": .string(ChinaTime.format(unix: createdAt)), "status": .string(status),
            "funds_account": .string(request.fundsAccount ?? "AVAILABLE"),
            "amount": [
                "total": .int(total), "refund": .int(request.refund), "payer_total": .int(total),
                "payer_refund": .int(request.refund), "settlement_total": .int(total),
                "settlement_refund": .int(request.refund), "discount_refund": 0, "currency": .string(request.currency),
                "from": [],
            ],
            "promotion_detail": [],
        ]
        if let successTime { o["success_time"] = .string(ChinaTime.format(unix: successTime)) }
        return .object(o)
    }

    /// What the control API shows: the answer plus the reason the merchant sent and the notify target.
    public var controlView: JSONValue {
        guard case .object(var o) = answer else { return answer }
        if let reason = request.reason { o["reason"] = .string(reason) }
        o["notify_url"] = .string(notifyURL)
        return .object(o)
    }
}

/// WeChat-looking identifiers.
enum Identifiers {
    static func digits(_ n: Int) -> String { SecureRandom.bytes(n).map { String($0 % 10) }.joined() }

    /// `wx` + timestamp + 20 hex characters, 36 in all, like a real prepay_id.
    static func prepayID(now: Int64) -> String {
        "wx" + compactTime(now) + Hex.encode(SecureRandom.bytes(10))
    }

    /// 28 digits starting `4200`.
    static func transactionID(now: Int64) -> String { "4200" + String(compactTime(now).dropFirst(2).prefix(8)) + digits(16) }

    /// 29 digits starting `50`.
    static func refundID() -> String { "50" + digits(27) }

    /// `yyyyMMddHHmmss` in China time.
    static func compactTime(_ unix: Int64) -> String {
        ChinaTime.format(unix: unix).filter(\.isNumber).prefix(14).description
    }
}
