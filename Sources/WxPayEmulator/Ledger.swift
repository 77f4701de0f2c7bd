import KitCore
import WxPayCore
import WxPaySandbox

/// The emulator's books: orders and refunds, their state machines and counters. An actor, so concurrent requests
/// see one consistent history (the `out_trade_no` check-and-create is atomic).
///
/// Business time is `System.unixTime() + clockOffset`, so tests can move time forward (``advanceClock(by:)``) and
/// watch `time_expire` take effect. Expiry is checked lazily on every access.
public actor Ledger {
    /// Counters a test can read, e.g. "20 concurrent callers created exactly one order".
    public struct Counters: Sendable, Equatable {
        public var prepayRequests = 0
        public var ordersCreated = 0
        public var refundRequests = 0
        public var refundsCreated = 0
    }

    /// What a prepay call did.
    public struct PrepayOutcome: Sendable {
        public var order: OrderRecord
        /// `false` when an identical earlier request's order was returned.
        public var created: Bool
    }

    /// What a refund call did.
    public struct RefundOutcome: Sendable {
        public var refund: RefundRecord
        public var created: Bool
    }

    let merchant: MerchantIdentity
    private var orders: [String: OrderRecord] = [:]
    private var orderByTransaction: [String: String] = [:]
    private var refunds: [String: RefundRecord] = [:]
    private var refundOrder: [String] = []
    private var orderOrder: [String] = []
    private var clockOffset: Int64 = 0
    public private(set) var counters = Counters()

    /// A ledger for one merchant.
    public init(merchant: MerchantIdentity) { self.merchant = merchant }

    /// Business time now.
    public func now() -> Int64 { System.unixTime() + clockOffset }

    /// Moves business time forward by `seconds` (never backward).
    public func advanceClock(by seconds: Int64) -> Int64 {
        clockOffset += max(0, seconds)
        return clockOffset
    }

    /// Forgets everything: orders, refunds, counters, clock offset.
    public func reset() {
        orders = [:]
        orderByTransaction = [:]
        refunds = [:]
        refundOrder = []
        orderOrder = []
        clockOffset = 0
        counters = Counters()
    }

    // MARK: Merchant API

    /// Validates and places a prepay order, or returns the identical earlier one.
    ///
    /// Re-submitting an `out_trade_no`: identical body and endpoint while unpaid → the same order (200);
    /// different parameters → 400 `INVALID_REQUEST`; the order was paid → 400 `ORDERPAID`; closed, expired or
    /// failed → 400 `ORDER_CLOSED`.
    ///
    /// `partner`: a service provider's order (`/v3/pay/partner/transactions/...`), kept under its sub-merchant
    /// (``PartnerOrder/key(subMchid:_:)``): one `out_trade_no` may name an order of each sub-merchant.
    public func prepay(body: JSONValue, tradeType: TradeType, partner: Bool = false) throws(WeChatAPIError)
        -> PrepayOutcome
    {
        counters.prepayRequests += 1
        let t = now()
        let request = partner
            ? try PrepayRequest.validatePartner(body, tradeType: tradeType, merchant: merchant, now: t)
            : try PrepayRequest.validate(body, tradeType: tradeType, merchant: merchant, now: t)
        let key = PartnerOrder.key(subMchid: request.partner?.subMchid, request.outTradeNo)
        if var existing = orders[key] {
            refreshExpiry(&existing, now: t)
            orders[key] = existing
            switch existing.state {
            case .success, .refund: throw .orderPaid
            case .closed, .payError: throw .orderClosed
            case .notPaid: break
            }
            if let field = existing.request.firstDifference(from: request) {
                throw .invalidRequest("out_trade_no \(request.outTradeNo) was used with other parameters (\(field))",
                                      field: field)
            }
            return PrepayOutcome(order: existing, created: false)
        }
        let expiresAt = max(request.timeExpireUnix ?? t + 7 * 86400, t + 60)
        let order = OrderRecord(request: request, prepayID: Identifiers.prepayID(now: t), createdAt: t,
                                expiresAt: expiresAt, state: .notPaid)
        orders[key] = order
        orderOrder.append(key)
        counters.ordersCreated += 1
        return PrepayOutcome(order: order, created: true)
    }

    /// The order named by `outTradeNo`, expiring it first if its time has passed.
    public func order(outTradeNo: String) throws(WeChatAPIError) -> OrderRecord {
        guard var order = orders[outTradeNo] else { throw .orderNotExist }
        refreshExpiry(&order, now: now())
        orders[outTradeNo] = order
        return order
    }

    /// The order named by `transactionID` (only paid orders have one).
    public func order(transactionID: String) throws(WeChatAPIError) -> OrderRecord {
        guard let no = orderByTransaction[transactionID] else { throw .orderNotExist }
        return try self.order(outTradeNo: no)
    }

    /// Closes an unpaid order. Closing a closed order again succeeds; a paid one is 400 `ORDERPAID`.
    public func close(outTradeNo: String) throws(WeChatAPIError) {
        var order = try self.order(outTradeNo: outTradeNo)
        switch order.state {
        case .success, .refund: throw .orderPaid
        case .closed: return
        case .notPaid, .payError:
            order.state = .closed
            order.closedBy = "closed"
            orders[outTradeNo] = order
        }
    }

    /// Accepts a refund (status `PROCESSING`), or returns the earlier refund with the same `out_refund_no`.
    /// - Throws: 404 `ORDER_NOT_EXIST`; 400 `INVALID_REQUEST` (unpaid order, or the refund number reused with
    ///   other parameters); 400 `PARAM_ERROR` (`amount.total` is not the order total); 403 `NOT_ENOUGH`.
    public func refund(body: JSONValue) throws(WeChatAPIError) -> RefundOutcome {
        counters.refundRequests += 1
        let request = try RefundRequest.validate(body)
        // A service provider's refund names its sub-merchant: orders and refund numbers are the sub-merchant's.
        let orderKey: String
        switch request.order {
        case .outTradeNo(let no): orderKey = PartnerOrder.key(subMchid: request.subMchid, no)
        case .transactionID(let id):
            guard let key = orderByTransaction[id] else { throw .orderNotExist }
            orderKey = key
        }
        var order = try self.order(outTradeNo: orderKey)
        guard order.request.partner?.subMchid == request.subMchid else { throw .orderNotExist }
        let outTradeNo = order.request.outTradeNo
        let refundKey = PartnerOrder.key(subMchid: request.subMchid, request.outRefundNo)
        if let existing = refunds[refundKey] {
            guard existing.outTradeNo == outTradeNo, existing.request.refund == request.refund,
                  existing.request.total == request.total
            else {
                throw .invalidRequest("out_refund_no \(request.outRefundNo) was used with other parameters",
                                      field: "out_refund_no")
            }
            return RefundOutcome(refund: existing, created: false)
        }
        guard order.state.isPaid, let transactionID = order.transactionID else {
            throw .invalidRequest("订单未支付，不能退款 (the order is \(order.state.rawValue))")
        }
        guard request.total == order.request.total else {
            throw .paramError("amount.total", "must equal the order total \(order.request.total)")
        }
        guard request.refund <= order.request.total - order.refunded else { throw .notEnough }
        let t = now()
        let record = RefundRecord(request: request, refundID: Identifiers.refundID(), outTradeNo: outTradeNo,
                                  transactionID: transactionID, total: order.request.total, status: "PROCESSING",
                                  createdAt: t, notifyURL: request.notifyURL ?? order.request.notifyURL,
                                  subMchid: request.subMchid)
        order.refunded += request.refund
        order.state = .refund
        orders[orderKey] = order
        refunds[refundKey] = record
        refundOrder.append(refundKey)
        counters.refundsCreated += 1
        return RefundOutcome(refund: record, created: true)
    }

    /// The refund named by `outRefundNo`.
    public func refund(outRefundNo: String) throws(WeChatAPIError) -> RefundRecord {
        guard let r = refunds[outRefundNo] else { throw .resourceNotExists }
        return r
    }

    // MARK: Control API

    /// Pays an unpaid order as `openid` (defaults to the order's payer, else a generated openid).
    /// - Returns: the paid order; `nil` when it was already paid (nothing new to notify).
    public func pay(outTradeNo: String, openid: String?) throws(WeChatAPIError) -> OrderRecord? {
        var order = try self.order(outTradeNo: outTradeNo)
        switch order.state {
        case .success, .refund: return nil
        case .closed, .payError: throw .orderClosed
        case .notPaid: break
        }
        let t = now()
        order.state = .success
        order.transactionID = Identifiers.transactionID(now: t)
        order.successTime = t
        order.payerOpenID = openid ?? order.request.payerOpenID ?? "oEmu" + Identifiers.digits(24)
        orders[outTradeNo] = order
        orderByTransaction[order.transactionID!] = outTradeNo
        return order
    }

    /// Marks an unpaid order `PAYERROR`.
    public func fail(outTradeNo: String) throws(WeChatAPIError) -> OrderRecord {
        var order = try self.order(outTradeNo: outTradeNo)
        guard order.state == .notPaid else {
            throw .invalidRequest("only an unpaid order can fail (it is \(order.state.rawValue))")
        }
        order.state = .payError
        orders[outTradeNo] = order
        return order
    }

    /// Expires an unpaid order now, as if its `time_expire` had passed.
    public func expire(outTradeNo: String) throws(WeChatAPIError) -> OrderRecord {
        var order = try self.order(outTradeNo: outTradeNo)
        guard order.state == .notPaid else {
            throw .invalidRequest("only an unpaid order can expire (it is \(order.state.rawValue))")
        }
        order.expiresAt = now()
        refreshExpiry(&order, now: order.expiresAt)
        orders[outTradeNo] = order
        return order
    }

    /// Moves a `PROCESSING` refund to `SUCCESS`.
    /// - Returns: the refund; `nil` when it was not processing (nothing new to notify).
    public func completeRefund(outRefundNo: String) throws(WeChatAPIError) -> RefundRecord? {
        guard var r = refunds[outRefundNo] else { throw .resourceNotExists }
        guard r.status == "PROCESSING" else { return nil }
        r.status = "SUCCESS"
        r.successTime = now()
        refunds[outRefundNo] = r
        return r
    }

    /// Every order, oldest first, expiry applied.
    public func allOrders() -> [OrderRecord] {
        let t = now()
        return orderOrder.compactMap { no in
            guard var o = orders[no] else { return nil }
            refreshExpiry(&o, now: t)
            orders[no] = o
            return o
        }
    }

    /// Every refund, oldest first.
    public func allRefunds() -> [RefundRecord] { refundOrder.compactMap { refunds[$0] } }

    private func refreshExpiry(_ order: inout OrderRecord, now: Int64) {
        if order.state == .notPaid, now >= order.expiresAt {
            order.state = .closed
            order.closedBy = "expired"
        }
    }
}
