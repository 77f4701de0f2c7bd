import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("intent-status and close-intent")
    struct StatusAndClose {
        @Test("wait: intent-status returns succeeded once the order is paid during the wait, with the payer")
        func waitForPayment() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let created = try emulator.run("create-intent", Event.intent(key: key, ["user_openid": .string(sampleOpenID),
                                                                                   "channel": "jsapi"]))
            let no = try #require(try created.result()["intent_id"]?.stringValue)

            let waiting = try emulator.spawn("intent-status", ["idempotency_key": .string(key), "wait": 20])
            usleep(1_200_000)
            try emulator.pay(no)
            let run = waiting.wait()
            #expect(run.status == 0, "\(run)")
            let status = try run.result()
            #expect(status["status"] == "succeeded")
            #expect(status["trade_state"] == "SUCCESS")
            #expect(status["payer_openid"]?.stringValue == sampleOpenID)
            #expect(status["transaction_id"] == (try emulator.order(no))["transaction_id"])
            #expect(run.seconds > 1.0, "it waited for the payment")
            #expect(run.seconds < 12, "it answered soon after the payment, not at the end of the wait (\(run.seconds) s)")
            #expect(try SchemaCheck.errors([.init(schema: "functions/intent-status/output.schema.json",
                                                  instance: status, label: "paid")]) == [])
        }

        @Test("Without wait: an unpaid intent is requires_confirmation at once")
        func noWait() throws {
            let emulator = try Emulator()
            let created = try emulator.run("create-intent", Event.intent(key: freshKey()))
            let no = try #require(try created.result()["intent_id"]?.stringValue)
            let run = try emulator.run("intent-status", ["intent_id": .string(no)])
            #expect(run.status == 0, "\(run)")
            #expect(try run.result()["status"] == "requires_confirmation")
            #expect(try run.result()["payer_openid"] == nil)
            #expect(run.seconds < 5)
        }

        @Test("An unknown intent: INTENT_NOT_FOUND, exit 1")
        func unknown() throws {
            let emulator = try Emulator()
            let run = try emulator.run("intent-status", ["idempotency_key": "never-used"])
            #expect(run.status == 1, "\(run)")
            #expect(run.errorCode == "INTENT_NOT_FOUND")
        }

        @Test("close-intent closes an unpaid intent; closing again is a no-op that says so")
        func close() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let created = try emulator.run("create-intent", Event.intent(key: key))
            let no = try #require(try created.result()["intent_id"]?.stringValue)

            let run = try emulator.run("close-intent", ["idempotency_key": .string(key)])
            #expect(run.status == 0, "\(run)")
            let closed = try run.result()
            #expect(closed["status"] == "closed")
            #expect(closed["closed"] == true)
            #expect(closed["already_closed"] == false)
            let order = try emulator.order(no)
            #expect(order["trade_state"] == "CLOSED")
            #expect(order["closed_by"] == "closed")

            let again = try emulator.run("close-intent", ["intent_id": .string(no)])
            #expect(again.status == 0, "\(again)")
            #expect(try again.result()["already_closed"] == true)
            #expect(try SchemaCheck.errors([
                .init(schema: "functions/close-intent/output.schema.json", instance: closed, label: "closed"),
                .init(schema: "functions/close-intent/output.schema.json", instance: try again.result(), label: "again"),
            ]) == [])

            // A closed intent cannot be paid any more.
            let status = try emulator.run("intent-status", ["intent_id": .string(no)])
            #expect(try status.result()["status"] == "closed")
        }

        @Test("close-intent of a paid intent is refused (ORDERPAID, exit 1) and the order stays paid")
        func closePaid() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let created = try emulator.run("create-intent", Event.intent(key: key))
            let no = try #require(try created.result()["intent_id"]?.stringValue)
            try emulator.pay(no)
            let run = try emulator.run("close-intent", ["idempotency_key": .string(key)])
            #expect(run.status == 1, "\(run)")
            #expect(run.errorCode == "WECHAT_REFUSED")
            #expect(try run.result()["error"]?["wechat_code"] == "ORDERPAID")
            #expect(try emulator.order(no)["trade_state"] == "SUCCESS")
        }
    }
}
