import Hummingbird
import KitCore
import WxPayCore
import WxPaySandbox

/// The `other-order` fault's answer: what WeChat Pay answered (or would answer) about another order or refund of the
/// same merchant, to be signed as usual. One the ledger holds is preferred (a replay of a real answer); when there is
/// none, a made-up one of the same shape.
enum ForeignAnswer {
    /// The foreign answer for `operation` (a ``MerchantRoutes`` operation name), or `nil` where the operation has
    /// no order or refund to be about (the certificate download, unknown paths).
    static func make(for operation: String, emulator: Emulator, context: EmulatorContext, body: [UInt8]?) async
        -> APIAnswer?
    {
        let ledger = emulator.ledger
        let asked = body.flatMap { try? JSONCoding.value(from: $0) } ?? .null
        func parameter(_ name: String) -> String { PercentDecoding.decode(context.parameters.get(name) ?? "") }
        switch operation {
        case let op where op.hasPrefix("prepay."):
            let type = TradeType(rawValue: String(op.dropFirst("prepay.".count))) ?? .native
            let no = asked["out_trade_no"]?.stringValue ?? ""
            let others = await ledger.allOrders().filter { $0.request.outTradeNo != no }
            if let other = others.last(where: { $0.request.tradeType == type }) { return .ok(other.prepayAnswer) }
            return .ok(madeUpOrder(emulator, type: type).prepayAnswer)
        case "query.out_trade_no", "query.transaction_id":
            let no = parameter("no"), tid = parameter("tid")
            let others = await ledger.allOrders().filter {
                $0.request.outTradeNo != no && (tid.isEmpty || $0.transactionID != tid)
            }
            return .ok((others.last ?? madeUpOrder(emulator, type: .native)).transaction)
        case "close":
            // A close is answered 204 without a body: another close's answer looks exactly like this one's.
            return .noContent
        case "refund", "refund.query":
            let no = asked["out_refund_no"]?.stringValue ?? parameter("no")
            let others = await ledger.allRefunds().filter { $0.request.outRefundNo != no }
            return .ok((others.last ?? madeUpRefund(emulator)).answer)
        default:
            return nil
        }
    }

    /// A paid order the emulator never took: another merchant customer's, as far as the client can tell.
    static func madeUpOrder(_ emulator: Emulator, type: TradeType) -> OrderRecord {
        let t = System.unixTime()
        let no = "FOREIGN" + Identifiers.digits(16)
        let request = PrepayRequest(
            tradeType: type, appid: emulator.side.appid, mchid: emulator.side.mchid, description: "another order",
            outTradeNo: no, timeExpire: nil, timeExpireUnix: nil, attach: nil,
            notifyURL: "https://example.com/notify", total: 1999, currency: "CNY", payerOpenID: nil, body: .null)
        return OrderRecord(request: request, prepayID: Identifiers.prepayID(now: t), createdAt: t, expiresAt: t + 300,
                           state: .success, transactionID: Identifiers.transactionID(now: t), successTime: t,
                           payerOpenID: "oForeign" + Identifiers.digits(20))
    }

    /// A refund the emulator never took.
    static func madeUpRefund(_ emulator: Emulator) -> RefundRecord {
        let t = System.unixTime()
        let request = RefundRequest(order: .outTradeNo("FOREIGN" + Identifiers.digits(16)),
                                    outRefundNo: "FOREIGNRF" + Identifiers.digits(16), reason: nil, notifyURL: nil,
                                    fundsAccount: nil, refund: 500, total: 1999, currency: "CNY")
        return RefundRecord(request: request, refundID: Identifiers.refundID(), outTradeNo: "FOREIGN" + Identifiers.digits(16),
                            transactionID: Identifiers.transactionID(now: t), total: 1999, status: "PROCESSING",
                            createdAt: t, notifyURL: "https://example.com/notify")
    }
}
