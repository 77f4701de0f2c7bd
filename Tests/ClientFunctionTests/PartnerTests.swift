import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayTestSupport

extension ClientFunctionTests {
    /// Service-provider (partner) mode: the secrets file is the provider's, and `sub_mchid` in an input makes every
    /// call through WeChat Pay's partner endpoints for that sub-merchant (docs/functions.md#service-provider-mode).
    @Suite("service-provider mode")
    struct Partner {
        static let subA = "1900000201"
        static let subB = "1900000202"

        /// The control API's key of a sub-merchant's order or refund.
        static func key(_ sub: String, _ no: String) -> String { "\(sub):\(no)" }

        @Test("Direct-mode numbers are byte for byte what they were; partner numbers differ per sub-merchant")
        func derivation() {
            // Golden values (SHA-256 computed outside Swift): deployed order and refund numbers never change.
            #expect(IntentIdentity.outTradeNo(mchid: "1900000109", idempotencyKey: "thread-42", attempt: 1)
                == "ai32418a38f827586584c16343-1")
            #expect(IntentIdentity.outRefundNo(mchid: "1900000109", outTradeNo: "ai0-1", idempotencyKey: "r-1")
                == "rf318e3dad21907ea62d4af9e7b8c995")
            #expect(IntentIdentity.outTradeNo(mchid: "1900000109", subMchid: "1900000201", idempotencyKey: "thread-42",
                                              attempt: 1) == "ai616ba336ca86a0da519904e4-1")
            let a = IntentIdentity.outTradeNo(mchid: "1900000109", subMchid: Self.subA, idempotencyKey: "k", attempt: 1)
            let b = IntentIdentity.outTradeNo(mchid: "1900000109", subMchid: Self.subB, idempotencyKey: "k", attempt: 1)
            let direct = IntentIdentity.outTradeNo(mchid: "1900000109", idempotencyKey: "k", attempt: 1)
            #expect(Set([a, b, direct]).count == 3)
            #expect(IntentIdentity.outRefundNo(mchid: "1", subMchid: Self.subA, outTradeNo: a, idempotencyKey: "r")
                != IntentIdentity.outRefundNo(mchid: "1", outTradeNo: a, idempotencyKey: "r"))
        }

        @Test("create, status, pay, refund, refund-status for a sub-merchant: partner endpoints, sp_/sub_ fields")
        func lifecycle() throws {
            let emulator = try Emulator(extra: ["--manual-refunds"])
            let mchid = emulator.secrets.mchid, appid = emulator.secrets.appid
            let key = freshKey()
            var input = Event.intent(key: key, amount: 1000)
            input = .object((input.objectValue ?? [:]).merging(["sub_mchid": .string(Self.subA)]) { $1 })
            let created = try emulator.run("create-intent", input)
            #expect(created.status == 0, "\(created)")
            let intent = try created.result()
            let no = try #require(intent["intent_id"]?.stringValue)
            #expect(no == IntentIdentity.outTradeNo(mchid: mchid, subMchid: Self.subA, idempotencyKey: key, attempt: 1))
            #expect(intent["sub_mchid"]?.stringValue == Self.subA)
            #expect(intent["status"] == "requires_confirmation")

            // The prepay went to the partner endpoint with the partner body (wechatpayv3's partner_mode fields).
            let prepay = try #require(try emulator.requests().first { $0.method == "POST" })
            #expect(prepay.target.hasPrefix("/v3/pay/partner/transactions/"), "\(prepay.target)")
            let body = try #require(prepay.json)
            #expect(body["sp_mchid"]?.stringValue == mchid)
            #expect(body["sp_appid"]?.stringValue == appid)
            #expect(body["sub_mchid"]?.stringValue == Self.subA)
            #expect(body["mchid"] == nil && body["appid"] == nil, "\(body)")

            let status = try emulator.run("intent-status", ["intent_id": .string(no), "sub_mchid": .string(Self.subA)])
            #expect(status.status == 0, "\(status)")
            #expect(try status.result()["status"] == "requires_confirmation")
            let query = try #require(try emulator.requests().last { $0.method == "GET" })
            #expect(query.target == "/v3/pay/partner/transactions/out-trade-no/\(no)?sp_mchid=\(mchid)&sub_mchid=\(Self.subA)")
            // The same number is not the provider's own order, nor another sub-merchant's.
            let direct = try emulator.run("intent-status", ["intent_id": .string(no)])
            #expect(direct.status == 1 && direct.stdoutText.contains("INTENT_NOT_FOUND"), "\(direct)")
            let other = try emulator.run("intent-status", ["intent_id": .string(no), "sub_mchid": .string(Self.subB)])
            #expect(other.status == 1 && other.stdoutText.contains("INTENT_NOT_FOUND"), "\(other)")

            try emulator.pay(Self.key(Self.subA, no))
            let paid = try emulator.run("intent-status", ["idempotency_key": .string(key), "sub_mchid": .string(Self.subA)])
            #expect(paid.status == 0, "\(paid)")
            let paidView = try paid.result()
            #expect(paidView["status"] == "succeeded")
            #expect(paidView["sub_mchid"]?.stringValue == Self.subA)
            #expect(paidView["payer_openid"]?.stringValue?.isEmpty == false, "\(paidView)")

            let refund = try emulator.run("refund", ["intent_id": .string(no), "amount": 400, "idempotency_key": "r-1",
                                                     "reason": "The item arrived damaged", "sub_mchid": .string(Self.subA)])
            #expect(refund.status == 0, "\(refund)")
            let r = try refund.result()
            let outRefundNo = try #require(r["out_refund_no"]?.stringValue)
            #expect(outRefundNo == IntentIdentity.outRefundNo(mchid: mchid, subMchid: Self.subA, outTradeNo: no,
                                                              idempotencyKey: "r-1"))
            #expect(r["sub_mchid"]?.stringValue == Self.subA)
            #expect(r["replayed"] == false)
            let refundPost = try #require(try emulator.requests().last { $0.method == "POST" })
            #expect(refundPost.target == "/v3/refund/domestic/refunds")
            #expect(refundPost.json?["sub_mchid"]?.stringValue == Self.subA)
            // A retry is the same refund; the provider's own refund number space does not hold it.
            let again = try emulator.run("refund", ["intent_id": .string(no), "amount": 400, "idempotency_key": "r-1",
                                                    "reason": "The item arrived damaged", "sub_mchid": .string(Self.subA)])
            #expect(try again.result()["replayed"] == true, "\(again)")
            #expect(try emulator.refunds().count == 1)

            let refundStatus = try emulator.run("refund-status", ["out_refund_no": .string(outRefundNo),
                                                                  "sub_mchid": .string(Self.subA)])
            #expect(refundStatus.status == 0, "\(refundStatus)")
            let rs = try refundStatus.result()
            #expect(rs["status"] == "processing")
            #expect(rs["sub_mchid"]?.stringValue == Self.subA)
            let rsQuery = try #require(try emulator.requests().last { $0.method == "GET" })
            #expect(rsQuery.target == "/v3/refund/domestic/refunds/\(outRefundNo)?sub_mchid=\(Self.subA)")
            let unscoped = try emulator.run("refund-status", ["out_refund_no": .string(outRefundNo)])
            #expect(unscoped.status == 1 && unscoped.stdoutText.contains("REFUND_NOT_FOUND"), "\(unscoped)")

            #expect(try SchemaCheck.errors([
                .init(schema: "functions/create-intent/output.schema.json", instance: intent, label: "create"),
                .init(schema: "functions/intent-status/output.schema.json", instance: paidView, label: "status"),
                .init(schema: "functions/refund/output.schema.json", instance: r, label: "refund"),
                .init(schema: "functions/refund-status/output.schema.json", instance: rs, label: "refund-status"),
            ]) == [])
        }

        @Test("close-intent for a sub-merchant: the partner close with sp_mchid and sub_mchid, read back closed")
        func close() throws {
            let emulator = try Emulator()
            let key = freshKey()
            var input = Event.intent(key: key)
            input = .object((input.objectValue ?? [:]).merging(["sub_mchid": .string(Self.subB)]) { $1 })
            #expect(try emulator.run("create-intent", input).status == 0)
            let closed = try emulator.run("close-intent", ["idempotency_key": .string(key), "sub_mchid": .string(Self.subB)])
            #expect(closed.status == 0, "\(closed)")
            let c = try closed.result()
            #expect(c["closed"] == true && c["already_closed"] == false, "\(c)")
            #expect(c["sub_mchid"]?.stringValue == Self.subB)
            let no = IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, subMchid: Self.subB, idempotencyKey: key,
                                               attempt: 1)
            let post = try #require(try emulator.requests().last { $0.method == "POST" })
            #expect(post.target == "/v3/pay/partner/transactions/out-trade-no/\(no)/close")
            #expect(post.json == ["sp_mchid": .string(emulator.secrets.mchid), "sub_mchid": .string(Self.subB)])
            #expect(try emulator.order(Self.key(Self.subB, no))["trade_state"] == "CLOSED")
        }

        @Test("One idempotency key: one order per sub-merchant, replayed per sub-merchant, and apart from direct mode")
        func idempotencyPerSubMerchant() throws {
            let emulator = try Emulator()
            let key = freshKey()
            func create(_ sub: String?) throws -> JSONValue {
                var o = Event.intent(key: key).objectValue ?? [:]
                if let sub { o["sub_mchid"] = .string(sub) }
                let run = try emulator.run("create-intent", .object(o))
                #expect(run.status == 0, "\(run)")
                return try run.result()
            }
            let a = try create(Self.subA), b = try create(Self.subB), direct = try create(nil)
            let numbers = [a, b, direct].compactMap { $0["intent_id"]?.stringValue }
            #expect(Set(numbers).count == 3, "\(numbers)")
            #expect([a, b, direct].allSatisfy { $0["replayed"] == false })
            let againA = try create(Self.subA), againB = try create(Self.subB)
            #expect(againA["replayed"] == true && againA["intent_id"] == a["intent_id"])
            #expect(againB["replayed"] == true && againB["intent_id"] == b["intent_id"])
            #expect(try emulator.stats()["orders_created"] == 3)
        }

        @Test("jsapi with sub_appid and sub_openid: payer.sub_openid, and paySign over the sub-merchant's appId")
        func jsapiConfirmation() throws {
            let emulator = try Emulator()
            let input: JSONValue = [
                "amount": 500, "description": "Coffee", "idempotency_key": .string(freshKey()), "channel": "jsapi",
                "sub_mchid": .string(Self.subA), "sub_appid": "wxsub0000000000001", "sub_openid": "o-sub-payer-1",
            ]
            let run = try emulator.run("create-intent", input)
            #expect(run.status == 0, "\(run)")
            let c = try #require(try run.result()["confirmation"])
            #expect(c["appId"] == "wxsub0000000000001")
            let message = "wxsub0000000000001\n\(c["timeStamp"]?.stringValue ?? "")\n\(c["nonceStr"]?.stringValue ?? "")\n"
                + "\(c["package"]?.stringValue ?? "")\n"
            #expect(Channels.merchantSigned(c["paySign"]?.stringValue, message, emulator.secrets))
            let body = try #require(try emulator.requests().first { $0.method == "POST" }?.json)
            #expect(body["payer"] == ["sub_openid": "o-sub-payer-1"])
            #expect(body["sub_appid"] == "wxsub0000000000001")
        }

        @Test("Partner fields are validated before any call: sub_openid or sub_appid without sub_mchid, a bad sub_mchid")
        func badInput() throws {
            let emulator = try Emulator()
            try emulator.armTripwire()
            let cases: [(JSONValue, String)] = [
                (["amount": 1, "description": "x", "idempotency_key": "k", "sub_appid": "wx1"], "sub_appid"),
                (["amount": 1, "description": "x", "idempotency_key": "k", "channel": "jsapi", "sub_openid": "o"], "sub_openid"),
                (["amount": 1, "description": "x", "idempotency_key": "k", "sub_mchid": "12ab"], "sub_mchid"),
                (["amount": 1, "description": "x", "idempotency_key": "k", "channel": "jsapi", "sub_mchid": "1900000201",
                  "sub_openid": "o"], "sub_appid"),
            ]
            for (input, field) in cases {
                let run = try emulator.run("create-intent", input)
                #expect(run.status == 65, "\(run)")
                #expect(try run.json()["error"]?["field"]?.stringValue == field, "\(run)")
            }
            let status = try emulator.run("intent-status", ["intent_id": "abcdef", "sub_mchid": ""])
            #expect(status.status == 65 && status.stdoutText.contains("sub_mchid"), "\(status)")
            #expect(try emulator.callsSeen() == 0)
        }

        @Test("The emulator's partner notification is accepted by webhook with the sub-merchant in the event")
        func notification() throws {
            let emulator = try Emulator(extra: ["--manual-refunds"])
            var input = Event.intent(key: freshKey(), amount: 1200).objectValue ?? [:]
            input["sub_mchid"] = .string(Self.subA)
            let no = try #require(try emulator.run("create-intent", .object(input)).result()["intent_id"]?.stringValue)
            try emulator.pay(Self.key(Self.subA, no))
            let refund = try emulator.run("refund", ["intent_id": .string(no), "idempotency_key": "r-1",
                                                     "reason": "Not delivered", "sub_mchid": .string(Self.subA)])
            let outRefundNo = try #require(try refund.result()["out_refund_no"]?.stringValue, "\(refund)")
            try emulator.control("POST", "/_emulator/refunds/\(Self.key(Self.subA, outRefundNo))/succeed", [:])

            let sent = try emulator.control("GET", "/_emulator/notifications")["notifications"]?.arrayValue ?? []
            #expect(sent.count == 2, "\(sent)")
            var events: [String: JSONValue] = [:]
            for n in sent {
                let resource = try #require(n["resource"])
                #expect(resource["sp_mchid"]?.stringValue == emulator.secrets.mchid && resource["mchid"] == nil,
                        "\(resource)")
                #expect(resource["sub_mchid"]?.stringValue == Self.subA)
                let envelope: JSONValue = ["httpMethod": "POST", "headers": n["request"]?["headers"] ?? [:],
                                           "body": n["request"]?["body"] ?? ""]
                let run = try emulator.run("webhook", envelope)
                #expect(run.status == 0, "\(run)")
                let answer = try run.json()
                let event = try #require(answer["event"], "\(answer)")
                events[event["type"]?.stringValue ?? ""] = event
                #expect(try SchemaCheck.errors([
                    .init(schema: "functions/webhook/output.schema.json", instance: answer, label: "webhook"),
                ]) == [])
            }
            let payment = try #require(events["payment.success"], "\(events.keys)")
            #expect(payment["sub_mchid"]?.stringValue == Self.subA)
            #expect(payment["out_trade_no"]?.stringValue == no)
            #expect(payment["amount"] == 1200)
            #expect(payment["payer_openid"]?.stringValue?.isEmpty == false, "\(payment)")
            #expect(payment["idempotency_key"]?.stringValue == input["idempotency_key"]?.stringValue)
            let refunded = try #require(events["refund.success"], "\(events.keys)")
            #expect(refunded["sub_mchid"]?.stringValue == Self.subA)
            #expect(refunded["out_refund_no"]?.stringValue == outRefundNo)

            // A partner notification naming another service provider is refused (MERCHANT_MISMATCH, 401).
            try emulator.process.rewriteSecrets { $0["mchid"] = "1230000000" }
            let first = sent[0]
            let refused = try emulator.run("webhook", ["httpMethod": "POST", "headers": first["request"]?["headers"] ?? [:],
                                                       "body": first["request"]?["body"] ?? ""])
            #expect(refused.status == 77 && refused.stdoutText.contains("MERCHANT_MISMATCH"), "\(refused)")
        }
    }
}
