import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    /// `refund` as a process with the risk store (docs/risk-store.md): the payment recorded by a `webhook` process
    /// is found by the `refund` process minutes later.
    @Suite("refund with the risk store")
    struct RefundRiskStore {
        @Test("webhook records the payment, refund (another process) fires refund_soon_after_payment; without a store it does not")
        func refundSoonAfterWebhookPayment() throws {
            let emulator = try Emulator()
            defer { emulator.stop() }
            let dir = try TemporaryDirectory(prefix: "wxpay-riskstore-refund")
            defer { dir.remove() }
            let store = ["WXPAY_RISK_STORE": "sqlite:" + dir.path + "/risk.db", "WXPAY_RISK_STORE_TIMEOUT_MS": "2000"]
            let openid = "oRefundStorePayer0000000001"

            let created = try emulator.run("create-intent", Event.intent(key: freshKey(), amount: 1000))
            let no = try #require(try created.result()["intent_id"]?.stringValue, "\(created)")
            try emulator.control("POST", "/_emulator/orders/\(no)/pay", ["openid": .string(openid)])

            // WeChat's notification of that payment, signed with the emulator's keys, through a webhook process.
            let notification = try runProcess(try Executables.require("wxpay-simulate"), [
                "notify", "--sandbox", emulator.process.sandboxPath, "--out-trade-no", no, "--amount", "1000",
                "--openid", openid,
            ], environment: ["PATH": "/usr/bin:/bin"])
            #expect(notification.status == 0, "\(notification)")
            let delivered = try emulator.run("webhook", bytes: notification.stdout, env: store)
            #expect(delivered.status == 0, "\(delivered)")
            let paymentRisk = try delivered.json()["event"]?["risk"]
            #expect(paymentRisk?["reasons"]?.arrayValue?.contains { $0["rule"] == "history_unavailable" } == false,
                    "\(String(describing: paymentRisk))")

            let refund = try emulator.run("refund", ["intent_id": .string(no), "amount": 500, "idempotency_key": "rs-1",
                                                     "reason": "The item arrived damaged"], env: store)
            #expect(refund.status == 0, "\(refund)")
            let rules = (try refund.result()["risk"]?["reasons"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue }
            #expect(rules.contains("refund_soon_after_payment"), "\(refund)")

            // The same refund flow with no store: the refund is scored alone.
            let created2 = try emulator.run("create-intent", Event.intent(key: freshKey(), amount: 1000))
            let no2 = try #require(try created2.result()["intent_id"]?.stringValue, "\(created2)")
            try emulator.control("POST", "/_emulator/orders/\(no2)/pay", ["openid": .string(openid)])
            let alone = try emulator.run("refund", ["intent_id": .string(no2), "amount": 500, "idempotency_key": "rs-2",
                                                    "reason": "The item arrived damaged"])
            #expect(alone.status == 0, "\(alone)")
            let aloneRules = (try alone.result()["risk"]?["reasons"]?.arrayValue ?? []).compactMap { $0["rule"]?.stringValue }
            #expect(!aloneRules.contains("refund_soon_after_payment"), "\(alone)")
        }
    }
}
