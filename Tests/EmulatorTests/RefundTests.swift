import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPayTestSupport

/// Domestic refunds: limits per order, idempotency by out_refund_no, PROCESSING → SUCCESS and REFUND.SUCCESS.
@Suite("Refunds")
struct RefundTests {
    /// Places and pays a native order; returns its out_trade_no and transaction_id.
    static func paidOrder(_ emu: RunningEmulator, total: Int64 = 1000) throws -> (String, String) {
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, total: total))
        let paid = try emu.control("POST", "/_emulator/orders/\(no)/pay")
        return (no, try #require(paid.json["order"]?["transaction_id"]?.stringValue))
    }

    static func refundBody(_ no: String, _ outRefundNo: String, refund: Int64, total: Int64 = 1000,
                           byTransaction: Bool = false, reason: String? = nil) -> JSONValue {
        var o: [String: JSONValue] = [
            byTransaction ? "transaction_id" : "out_trade_no": .string(no), "out_refund_no": .string(outRefundNo),
            "amount": ["refund": .int(refund), "total": .int(total), "currency": "CNY"],
        ]
        if let reason { o["reason"] = .string(reason) }
        return .object(o)
    }

    @Test("partial refunds up to the total; more is 403 NOT_ENOUGH; the same out_refund_no never deducts twice")
    func limitsAndIdempotency() throws {
        let emu = try RunningEmulator(extra: ["--manual-refunds"])
        let (no, tid) = try Self.paidOrder(emu)
        let first = try emu.call("POST", "/v3/refund/domestic/refunds",
                                 json: Self.refundBody(no, "R1-\(no)", refund: 600, reason: "商品已退货"))
        #expect(first.status == 200)
        let r1 = try emu.verifiedJSON(first)
        #expect(r1["status"] == "PROCESSING")
        #expect(r1["out_trade_no"]?.stringValue == no)
        #expect(r1["transaction_id"]?.stringValue == tid)
        #expect(r1["amount"]?["refund"] == 600 && r1["amount"]?["total"] == 1000)
        #expect(r1["refund_id"]?.stringValue?.isEmpty == false)
        #expect(r1["channel"] == "ORIGINAL" && r1["user_received_account"] != nil && r1["create_time"] != nil)

        let replay = try emu.verifiedJSON(try emu.call("POST", "/v3/refund/domestic/refunds",
                                                       json: Self.refundBody(no, "R1-\(no)", refund: 600)))
        #expect(replay["refund_id"] == r1["refund_id"])
        #expect(try emu.control("GET", "/_emulator/orders/\(no)").json["refundable"] == 400)

        let tooMuch = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody(no, "R2-\(no)", refund: 401))
        #expect(tooMuch.status == 403)
        #expect(try emu.verifiedJSON(tooMuch)["code"] == "NOT_ENOUGH")
        let rest = try emu.call("POST", "/v3/refund/domestic/refunds",
                                json: Self.refundBody(tid, "R3-\(no)", refund: 400, byTransaction: true))
        #expect(rest.status == 200)
        #expect(try emu.control("GET", "/_emulator/orders/\(no)").json["refundable"] == 0)
        let state = try emu.verifiedJSON(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"))
        #expect(state["trade_state"] == "REFUND")
        let refunds = try emu.control("GET", "/_emulator/refunds").json["refunds"]?.arrayValue ?? []
        #expect(refunds.count == 2)
        #expect(refunds.first?["reason"] == "商品已退货")  // tests can read what was sent
        #expect(try emu.control("GET", "/_emulator/stats").json["refunds_created"] == 2)

        let reused = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody(no, "R1-\(no)", refund: 1))
        #expect(try json(reused)["code"] == "INVALID_REQUEST")
    }

    @Test("refund errors: wrong total is PARAM_ERROR, unpaid is INVALID_REQUEST, unknown is 404 ORDER_NOT_EXIST")
    func refusals() throws {
        let emu = try RunningEmulator()
        let (no, _) = try Self.paidOrder(emu)
        let wrongTotal = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody(no, "RX", refund: 1, total: 999))
        #expect(wrongTotal.status == 400)
        #expect(try emu.verifiedJSON(wrongTotal)["detail"]?["field"] == "amount.total")
        let unpaid = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(unpaid))
        let notPaid = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody(unpaid, "RY", refund: 1))
        #expect(notPaid.status == 400)
        #expect(try json(notPaid)["code"] == "INVALID_REQUEST")
        let unknown = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody("NOSUCHORDER", "RZ", refund: 1))
        #expect(unknown.status == 404)
        #expect(try json(unknown)["code"] == "ORDER_NOT_EXIST")
        let query = try emu.call("GET", "/v3/refund/domestic/refunds/NOSUCHREFUND")
        #expect(query.status == 404)
        #expect(try emu.verifiedJSON(query)["code"] == "RESOURCE_NOT_EXISTS")
        let badNo = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody(no, "bad refund no", refund: 1))
        #expect(try json(badNo)["detail"]?["field"] == "out_refund_no")
    }

    @Test("a refund succeeds after the configured delay and REFUND.SUCCESS reaches notify_url")
    func automaticSuccess() throws {
        let sink = try RecordingHTTPServer()
        defer { sink.stop() }
        let emu = try RunningEmulator(notifyURL: sink.url(path: "/wxpay/notify"), extra: ["--refund-delay", "0.3"])
        let (no, tid) = try Self.paidOrder(emu)
        let created = try emu.verifiedJSON(try emu.call("POST", "/v3/refund/domestic/refunds",
                                                        json: Self.refundBody(no, "RA-\(no)", refund: 250)))
        #expect(created["status"] == "PROCESSING")
        let received = sink.wait(for: 2)
        try #require(received.count == 2)
        let (envelope, resource) = try openNotification(headers: received[1].header, body: received[1].body,
                                                        secrets: emu.secrets)
        #expect(envelope["event_type"] == "REFUND.SUCCESS")
        #expect(resource["refund_status"] == "SUCCESS")
        #expect(resource["out_refund_no"]?.stringValue == "RA-\(no)")
        #expect(resource["transaction_id"]?.stringValue == tid)
        #expect(resource["amount"]?["refund"] == 250)
        let query = try emu.verifiedJSON(try emu.call("GET", "/v3/refund/domestic/refunds/RA-\(no)"))
        #expect(query["status"] == "SUCCESS")
        #expect(query["success_time"] != nil)
    }

    @Test("with --manual-refunds a refund stays PROCESSING until the control API completes it")
    func manualSuccess() throws {
        let emu = try RunningEmulator(extra: ["--manual-refunds", "--no-deliver"])
        let (no, _) = try Self.paidOrder(emu)
        _ = try emu.call("POST", "/v3/refund/domestic/refunds", json: Self.refundBody(no, "RM-\(no)", refund: 100))
        usleep(300_000)
        #expect(try emu.verifiedJSON(try emu.call("GET", "/v3/refund/domestic/refunds/RM-\(no)"))["status"] == "PROCESSING")
        let done = try emu.control("POST", "/_emulator/refunds/RM-\(no)/succeed").json
        #expect(done["notified"] == true)
        #expect(done["refund"]?["status"] == "SUCCESS")
        #expect(try emu.control("POST", "/_emulator/refunds/RM-\(no)/succeed").json["notified"] == false)
        let log = try emu.control("GET", "/_emulator/notifications").json["notifications"]?.arrayValue ?? []
        #expect(log.map { $0["event_type"] } == ["TRANSACTION.SUCCESS", "REFUND.SUCCESS"])
        #expect(log.allSatisfy { $0["state"] == "printed" && $0["attempts"]?.arrayValue?.isEmpty == true })
    }
}
