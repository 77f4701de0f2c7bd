import KitCore
import Testing
import WxPayCore
import WxPaySandbox
import WxPayEmulator

/// The books in-process, without HTTP: the state machine the merchant API and the control API share.
@Suite("Ledger (in-process)")
struct LedgerTests {
    static let merchant = MerchantIdentity(mchid: "1900000109", appid: "wxd678efh567hg6787")

    static func order(_ no: String, total: Int64 = 100, expire: Int64? = nil) -> JSONValue {
        var o: [String: JSONValue] = [
            "appid": .string(merchant.appid), "mchid": .string(merchant.mchid), "description": "d",
            "out_trade_no": .string(no), "notify_url": "https://example.com/n",
            "amount": ["total": .int(total)],
        ]
        if let expire { o["time_expire"] = .string(ChinaTime.format(unix: expire)) }
        return .object(o)
    }

    @Test("a time_expire less than a minute away is moved up to one minute, as WeChat does")
    func expiryMovedUp() async throws {
        let ledger = Ledger(merchant: Self.merchant)
        let now = await ledger.now()
        let placed = try await ledger.prepay(body: Self.order("ORDER001", expire: now + 5), tradeType: .native)
        #expect(placed.created)
        #expect(placed.order.expiresAt == now + 60 || placed.order.expiresAt == now + 61)
        _ = await ledger.advanceClock(by: 30)
        #expect(try await ledger.order(outTradeNo: "ORDER001").state == .notPaid)
        _ = await ledger.advanceClock(by: 31)
        #expect(try await ledger.order(outTradeNo: "ORDER001").state == .closed)
        await #expect(throws: WeChatAPIError.orderClosed) {
            _ = try await ledger.pay(outTradeNo: "ORDER001", openid: nil)
        }
    }

    @Test("refunds never exceed the total, whatever the split")
    func refundArithmetic() async throws {
        let ledger = Ledger(merchant: Self.merchant)
        _ = try await ledger.prepay(body: Self.order("ORDER002", total: 1000), tradeType: .app)
        let paid = try #require(try await ledger.pay(outTradeNo: "ORDER002", openid: "o1"))
        #expect(paid.transaction["trade_type"] == "APP")
        var accepted: Int64 = 0
        for (i, amount) in [300, 300, 300, 300, 100].enumerated() {
            let body: JSONValue = ["out_trade_no": "ORDER002", "out_refund_no": .string("R\(i)"),
                                   "amount": ["refund": .int(Int64(amount)), "total": 1000, "currency": "CNY"]]
            do {
                _ = try await ledger.refund(body: body)
                accepted += Int64(amount)
            } catch {
                #expect(error == .notEnough)
            }
        }
        #expect(accepted == 1000)
        #expect(try await ledger.order(outTradeNo: "ORDER002").refunded == 1000)
        #expect(await ledger.counters.refundsCreated == 4)
    }

    @Test("closing: unpaid closes, paid is ORDERPAID, unknown is ORDER_NOT_EXIST")
    func closing() async throws {
        let ledger = Ledger(merchant: Self.merchant)
        _ = try await ledger.prepay(body: Self.order("ORDER003"), tradeType: .native)
        _ = try await ledger.prepay(body: Self.order("ORDER004"), tradeType: .native)
        _ = try await ledger.pay(outTradeNo: "ORDER004", openid: nil)
        try await ledger.close(outTradeNo: "ORDER003")
        #expect(try await ledger.order(outTradeNo: "ORDER003").closedBy == "closed")
        await #expect(throws: WeChatAPIError.orderPaid) { try await ledger.close(outTradeNo: "ORDER004") }
        await #expect(throws: WeChatAPIError.orderNotExist) { try await ledger.close(outTradeNo: "ORDER999") }
    }
}
