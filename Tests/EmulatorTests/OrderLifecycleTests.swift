import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayTestSupport

/// Opens a received notification the way a merchant must: verify the signature, then decrypt the resource.
func openNotification(headers: (String) -> String?, body: [UInt8], secrets: Secrets) throws -> (JSONValue, JSONValue) {
    try SignatureVerifier.verify(SignedHeaders(lookup: headers), body: body, secrets: secrets, now: System.unixTime())
    let envelope = try JSONCoding.value(from: body)
    guard let r = envelope["resource"], let ciphertext = r["ciphertext"]?.stringValue,
          let nonce = r["nonce"]?.stringValue
    else { throw SetupFailure("notification without a resource") }
    let plain = try ResourceCipher.decrypt(ciphertext: ciphertext, nonce: nonce,
                                           associatedData: r["associated_data"]?.stringValue ?? "",
                                           apiV3Key: secrets.apiV3KeyBytes)
    return (envelope, try JSONCoding.value(from: plain))
}

/// NOTPAY → SUCCESS / CLOSED / PAYERROR, queries, close, expiry, and the TRANSACTION.SUCCESS notification.
@Suite("Order lifecycle")
struct OrderLifecycleTests {
    @Test("paying an order POSTs a signed, encrypted TRANSACTION.SUCCESS with the order's real fields")
    func payAndNotify() throws {
        let sink = try RecordingHTTPServer()
        defer { sink.stop() }
        let emu = try RunningEmulator(notifyURL: sink.url(path: "/wxpay/notify"))
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, total: 2500, attach: "ik:conv-42"))
        let notPaid = try emu.verifiedJSON(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"))
        #expect(notPaid["trade_state"] == "NOTPAY")
        #expect(notPaid["transaction_id"] == nil)

        let paid = try emu.control("POST", "/_emulator/orders/\(no)/pay", ["openid": "oPayer123"])
        #expect(paid.status == 200)
        #expect(paid.json["notified"] == true)

        let received = sink.wait(for: 1)
        try #require(received.count == 1)
        #expect(received[0].path == "/wxpay/notify")
        let (envelope, resource) = try openNotification(headers: received[0].header, body: received[0].body,
                                                        secrets: emu.secrets)
        #expect(envelope["event_type"] == "TRANSACTION.SUCCESS")
        #expect(resource["out_trade_no"]?.stringValue == no)
        #expect(resource["attach"] == "ik:conv-42")
        #expect(resource["trade_type"] == "NATIVE")
        #expect(resource["amount"]?["total"] == 2500)
        #expect(resource["payer"]?["openid"] == "oPayer123")

        let query = try emu.verifiedJSON(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"))
        #expect(query["trade_state"] == "SUCCESS")
        #expect(query["transaction_id"] == resource["transaction_id"])
        #expect(query["success_time"] != nil)
        #expect(query["amount"]?["payer_total"] == 2500)
        let tid = try #require(query["transaction_id"]?.stringValue)
        let byID = try emu.verifiedJSON(try emu.call("GET", "/v3/pay/transactions/id/\(tid)?mchid=\(emu.secrets.mchid)"))
        #expect(byID["out_trade_no"]?.stringValue == no)

        // Paying twice sends nothing new; a paid order can neither be closed nor re-ordered.
        #expect(try emu.control("POST", "/_emulator/orders/\(no)/pay").json["notified"] == false)
        let close = try emu.call("POST", "/v3/pay/transactions/out-trade-no/\(no)/close", json: ["mchid": .string(emu.secrets.mchid)])
        #expect(close.status == 400)
        #expect(try emu.verifiedJSON(close)["code"] == "ORDERPAID")
        let again = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, total: 2500, attach: "ik:conv-42"))
        #expect(try json(again)["code"] == "ORDERPAID")
        let log = try emu.waitForNotifications { $0.first?["state"] == "delivered" }
        #expect(log.count == 1)
        #expect(log.first?["attempts"]?.arrayValue?.first?["status"] == 200)
    }

    @Test("close: 204 with no body, then CLOSED; re-ordering a closed number is 400 ORDER_CLOSED")
    func close() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        let path = "/v3/pay/transactions/out-trade-no/\(no)/close"
        let missing = try emu.call("POST", path, json: [:])
        #expect(try json(missing)["detail"]?["field"] == "mchid")
        #expect(try emu.call("POST", path, json: ["mchid": .string(emu.secrets.mchid)]).status == 204)
        #expect(try emu.call("POST", path, json: ["mchid": .string(emu.secrets.mchid)]).status == 204)  // idempotent
        let q = try emu.verifiedJSON(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"))
        #expect(q["trade_state"] == "CLOSED")
        let again = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        #expect(again.status == 400)
        #expect(try emu.verifiedJSON(again)["code"] == "ORDER_CLOSED")
        #expect(try emu.control("POST", "/_emulator/orders/\(no)/pay").json["code"] == "ORDER_CLOSED")
    }

    @Test("an unpaid order turns CLOSED once time_expire passes (checked lazily), or at once via the control API")
    func expiry() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        let expire = ChinaTime.format(unix: System.unixTime() + 120)
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no, timeExpire: expire))
        let query = "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"
        #expect(try emu.verifiedJSON(try emu.call("GET", query))["trade_state"] == "NOTPAY")
        // A re-submission must keep time_expire.
        let changed = try emu.call("POST", "/v3/pay/transactions/native",
                                   json: emu.nativeOrder(no, timeExpire: ChinaTime.format(unix: System.unixTime() + 500)))
        #expect(try json(changed)["detail"]?["field"] == "time_expire")
        try emu.control("POST", "/_emulator/clock", ["advance_seconds": 125])
        #expect(try emu.verifiedJSON(try emu.call("GET", query))["trade_state"] == "CLOSED")
        #expect(try emu.control("GET", "/_emulator/orders/\(no)").json["closed_by"] == "expired")

        let other = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(other))
        #expect(try emu.control("POST", "/_emulator/orders/\(other)/expire").json["order"]?["trade_state"] == "CLOSED")
    }

    @Test("fail marks PAYERROR; unknown orders are 404 ORDER_NOT_EXIST; a query needs the mchid parameter")
    func failAndUnknown() throws {
        let emu = try RunningEmulator()
        let no = uniqueTradeNo()
        _ = try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no))
        #expect(try emu.control("POST", "/_emulator/orders/\(no)/fail").json["order"]?["trade_state"] == "PAYERROR")
        let q = try emu.verifiedJSON(try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)?mchid=\(emu.secrets.mchid)"))
        #expect(q["trade_state"] == "PAYERROR")
        for path in ["/v3/pay/transactions/out-trade-no/NOSUCHORDER1?mchid=\(emu.secrets.mchid)",
                     "/v3/pay/transactions/id/4200000000000000000000000000?mchid=\(emu.secrets.mchid)"] {
            let r = try emu.call("GET", path)
            #expect(r.status == 404)
            #expect(try emu.verifiedJSON(r)["code"] == "ORDER_NOT_EXIST")
        }
        let noMchid = try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(no)")
        #expect(noMchid.status == 400)
        #expect(try json(noMchid)["detail"]?["field"] == "mchid")
        #expect(try emu.control("POST", "/_emulator/orders/NOSUCHORDER1/pay").status == 404)
    }

    @Test("out_trade_no with | and * survives percent-encoding in the path")
    func escapedPath() throws {
        let emu = try RunningEmulator()
        let no = "A|B*C-" + SecureRandom.alphanumeric(10)
        #expect(try emu.call("POST", "/v3/pay/transactions/native", json: emu.nativeOrder(no)).status == 200)
        let escaped = no.replacingOccurrences(of: "|", with: "%7C").replacingOccurrences(of: "*", with: "%2A")
        let q = try emu.call("GET", "/v3/pay/transactions/out-trade-no/\(escaped)?mchid=\(emu.secrets.mchid)")
        #expect(q.status == 200)
        #expect(try emu.verifiedJSON(q)["out_trade_no"]?.stringValue == no)
    }
}
