import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("create-intent: expiry, re-prompt and fallback links")
    struct Expiry {
        @Test("An expired intent answers next_action reprompt; attempt 2 makes a new order; status by key finds it")
        func reprompt() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let event = Event.intent(key: key, ["expires_in": 60])
            let first = try emulator.run("create-intent", event)
            #expect(first.status == 0, "\(first)")
            let attempt1 = try #require(try first.result()["intent_id"]?.stringValue)
            try emulator.expire(attempt1)

            let again = try emulator.run("create-intent", event)
            #expect(again.status == 0, "\(again)")
            let expired = try again.result()
            #expect(expired["intent_id"]?.stringValue == attempt1)
            // The emulator closes the order at expiry; the client's own clock has not reached expires_at yet.
            #expect(["expired", "closed"].contains(expired["status"]?.stringValue ?? ""))
            #expect(expired["next_action"]?["type"] == "reprompt")
            #expect(expired["next_action"]?["attempt"] == 2)
            let hint = try #require(expired["next_action"]?["hint"]?.stringValue, "\(expired)")
            #expect(hint.contains("\"attempt\": 2"), "\(hint)")
            // Whichever it is, the hint names that state and not the other (HintTests covers each on its own).
            let state = expired["status"]?.stringValue ?? ""
            #expect(hint.contains(state), "a \(state) intent's hint: \(hint)")
            #expect(!hint.contains(state == "closed" ? "expired" : "closed"), "a \(state) intent's hint: \(hint)")
            #expect(try emulator.orders().count == 1, "a re-prompt answer creates nothing by itself")
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: expired, label: "expired")]) == [])

            let retry = try emulator.run("create-intent", Event.intent(key: key, ["expires_in": 60, "attempt": 2]))
            #expect(retry.status == 0, "\(retry)")
            let attempt2 = try retry.result()
            #expect(attempt2["status"] == "requires_confirmation")
            #expect(attempt2["attempt"] == 2)
            let no2 = try #require(attempt2["intent_id"]?.stringValue)
            #expect(no2 == IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 2))
            #expect(no2 != attempt1)
            #expect(try emulator.orders().count == 2)

            let status = try emulator.run("intent-status", ["idempotency_key": .string(key)])
            #expect(status.status == 0, "\(status)")
            #expect(try status.result()["intent_id"]?.stringValue == no2)
            #expect(try status.result()["attempt"] == 2)
            #expect(try status.result()["status"] == "requires_confirmation")
            let old = try emulator.run("intent-status", ["intent_id": .string(attempt1)])
            #expect(try old.result()["trade_state"] == "CLOSED")
        }

        // Found while writing these tests: without `attempt`, create-intent looks only at attempt 1, so a model that
        // repeats its first call (the likeliest retry) is told to re-prompt a user who already paid attempt 2.
        @Test("A repeat without attempt, after a later attempt was paid, does not tell the agent to re-prompt")
        func repeatAfterLaterAttemptPaid() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let event = Event.intent(key: key, ["expires_in": 60])
            let first = try emulator.run("create-intent", event)
            try emulator.expire(try #require(try first.result()["intent_id"]?.stringValue, "\(first)"))
            let second = try emulator.run("create-intent", Event.intent(key: key, ["expires_in": 60, "attempt": 2]))
            let paid = try #require(try second.result()["intent_id"]?.stringValue, "\(second)")
            try emulator.pay(paid)

            let repeated = try emulator.run("create-intent", event)
            #expect(repeated.status == 0, "\(repeated)")
            let answer = try repeated.result()
            #expect(answer["next_action"] == nil, "told to re-prompt although \(paid) is paid: \(answer)")
            #expect(answer["status"] == "succeeded")
            #expect(answer["intent_id"]?.stringValue == paid)
            #expect(try emulator.orders().count == 2)
        }

        @Test("on_expiry fallback_link: the next attempt at once, as an h5 link for a mobile user")
        func fallbackLink() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let params: [String: JSONValue] = [
                "user_openid": .string(sampleOpenID), "expires_in": 60,
                "client": ["in_wechat": true, "mobile": true, "ip": "203.0.113.7"],
            ]
            let first = try emulator.run("create-intent", Event.intent(key: key, params))
            #expect(try first.result()["channel"] == "jsapi", "\(first)")
            try emulator.expire(try #require(try first.result()["intent_id"]?.stringValue))

            var withFallback = params
            withFallback["on_expiry"] = "fallback_link"
            let run = try emulator.run("create-intent", Event.intent(key: key, withFallback))
            #expect(run.status == 0, "\(run)")
            let answer = try run.result()
            let next = try #require(answer["next_action"])
            #expect(next["type"] == "fallback_link")
            #expect(next["attempt"] == 2)
            #expect(next["intent"]?["channel"] == "h5")
            let url = try #require(next["url"]?.stringValue)
            #expect(url.hasPrefix("https://wx.tenpay.com/"))
            let no2 = IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 2)
            #expect(next["intent"]?["intent_id"]?.stringValue == no2)
            #expect(try emulator.order(no2)["trade_type"] == "MWEB")
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: answer, label: "fallback")]) == [])
        }

        @Test("on_expiry fallback_link for a desktop user: a native QR link")
        func fallbackNative() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let first = try emulator.run("create-intent", Event.intent(key: key, ["channel": "app", "expires_in": 60]))
            try emulator.expire(try #require(try first.result()["intent_id"]?.stringValue))
            let run = try emulator.run("create-intent", Event.intent(key: key, [
                "channel": "app", "expires_in": 60, "on_expiry": "fallback_link",
            ]))
            #expect(run.status == 0, "\(run)")
            let next = try #require(try run.result()["next_action"])
            #expect(next["intent"]?["channel"] == "native")
            #expect(next["url"]?.stringValue?.hasPrefix("weixin://wxpay/bizpayurl") == true)
            #expect(try emulator.orders().count == 2)
        }
    }
}
