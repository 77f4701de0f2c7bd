import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("create-intent: idempotency")
    struct Idempotency {
        @Test("20 processes started at once with the same key: exactly one order, all 20 name the same intent")
        func concurrentCallers() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let event = Event.intent(key: key, amount: 4200, ["channel": "native"])
            let children = try (0..<20).map { _ in try emulator.spawn("create-intent", event) }
            let runs = children.map { $0.wait() }

            for run in runs { #expect(run.status == 0, "\(run)") }
            let ids = Set(try runs.map { try $0.result()["intent_id"]?.stringValue ?? "none" })
            #expect(ids == [IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1)])
            let urls = Set(try runs.map { try $0.result()["confirmation_url"]?.stringValue ?? "none" })
            #expect(urls.count == 1)

            let orders = try emulator.orders()
            #expect(orders.count == 1)
            #expect(try emulator.stats()["orders_created"] == 1)
        }

        @Test("The same key and parameters again: the same intent, replayed, the same prepay_id, no second order")
        func replay() throws {
            let emulator = try Emulator()
            let event = Event.intent(key: freshKey(), ["user_openid": .string(sampleOpenID), "channel": "jsapi"])
            let first = try emulator.run("create-intent", event)
            let second = try emulator.run("create-intent", try Event.toolCall("create_payment_intent", event))
            #expect(first.status == 0, "\(first)")
            #expect(second.status == 0, "\(second)")
            let a = try first.result(), b = try second.result()
            #expect(a["replayed"] == false)
            #expect(b["replayed"] == true)
            #expect(a["intent_id"] == b["intent_id"])
            #expect(a["expires_at"] == b["expires_at"])
            #expect(a["confirmation"]?["package"] == b["confirmation"]?["package"])
            #expect(try emulator.stats()["orders_created"] == 1)
            // Logs name endpoints, never the order number (the replay queried the order by it).
            let no = try #require(a["intent_id"]?.stringValue)
            #expect(!first.stderr.contains(no) && !second.stderr.contains(no), "a log line carries the order number")
            #expect(second.stderr.contains("/v3/pay/transactions/out-trade-no/{no}"), "\(second.stderr)")
        }

        @Test("The same key with another amount: IDEMPOTENCY_CONFLICT (exit 65) and never a second order")
        func conflict() throws {
            let emulator = try Emulator()
            let key = freshKey()
            #expect(try emulator.run("create-intent", Event.intent(key: key, amount: 1999)).status == 0)
            let changed = try emulator.run("create-intent", Event.intent(key: key, amount: 2999))
            #expect(changed.status == 65, "\(changed)")
            #expect(changed.errorCode == "IDEMPOTENCY_CONFLICT")
            #expect(try changed.result()["error"]?["retryable"] == false)
            let other = try emulator.run("create-intent", Event.intent(key: key, amount: 1999, description: "Monthly plan"))
            #expect(other.errorCode == "IDEMPOTENCY_CONFLICT")
            #expect(try emulator.orders().count == 1)
            #expect(try emulator.order(IntentIdentity.outTradeNo(
                mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1))["amount"]?["total"] == 1999)
        }
    }
}
