import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("Faults: retries, outages, deadlines, forged answers")
    struct Faults {
        @Test("A 500 on the next call is retried and succeeds")
        func serverErrorOnce() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "500", "count": 1])
            let run = try emulator.run("create-intent", Event.intent(key: freshKey()))
            #expect(run.status == 0, "\(run)")
            #expect(try emulator.faultsFired("500") == 1)
            #expect(try emulator.orders().count == 1)
        }

        @Test("A 500 after the order was made (answer lost) is retried into the same order, not a duplicate")
        func serverErrorAfterEffect() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "500", "count": 1, "when": "after", "path_prefix": "/v3/pay/transactions/native"])
            let key = freshKey()
            let run = try emulator.run("create-intent", Event.intent(key: key))
            #expect(run.status == 0, "\(run)")
            #expect(try emulator.faultsFired("500") == 1)
            #expect(try emulator.stats()["orders_created"] == 1)
            #expect(try run.result()["intent_id"]?.stringValue
                    == IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1))
        }

        @Test("500 on every call: WECHAT_UNAVAILABLE, exit 69, retryable, after exactly WXPAY_MAX_ATTEMPTS tries")
        func serverErrorAlways() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "500", "count": 1000])
            let run = try emulator.run("create-intent", Event.intent(key: freshKey()), env: ["WXPAY_MAX_ATTEMPTS": "3"])
            #expect(run.status == 69, "\(run)")
            #expect(run.errorCode == "WECHAT_UNAVAILABLE")
            #expect(try run.result()["error"]?["retryable"] == true)
            #expect(try emulator.faultsFired("500") == 3)
            #expect(try emulator.orders().isEmpty)
        }

        @Test("An answer delayed past WXPAY_TIME_BUDGET_MS: TIMED_OUT, exit 75, within the budget")
        func delayPastBudget() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "delay", "delay_ms": 3000, "count": 100])
            let run = try emulator.run("create-intent", Event.intent(key: freshKey()),
                                       env: ["WXPAY_TIME_BUDGET_MS": "1000"])
            #expect(run.status == 75, "\(run)")
            #expect(run.errorCode == "TIMED_OUT")
            #expect(try run.result()["error"]?["retryable"] == true)
            #expect(run.seconds < 3.0, "the process kept to its 1 s budget (took \(run.seconds) s)")
        }

        @Test("A connection reset is retried and succeeds, with one order")
        func connectionReset() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "reset", "count": 1, "path_prefix": "/v3/pay/transactions/native"])
            let run = try emulator.run("create-intent", Event.intent(key: freshKey()))
            #expect(run.status == 0, "\(run)")
            #expect(try emulator.faultsFired("reset") == 1)
            #expect(try emulator.orders().count == 1)
        }

        @Test("A reset after the refund took effect is retried into the same refund")
        func resetAfterRefund() throws {
            let emulator = try Emulator()
            let created = try emulator.run("create-intent", Event.intent(key: freshKey()))
            let no = try #require(try created.result()["intent_id"]?.stringValue)
            try emulator.pay(no)
            try emulator.inject(["kind": "reset", "count": 1, "when": "after", "path_prefix": "/v3/refund/domestic/refunds"])
            let run = try emulator.run("refund", ["intent_id": .string(no), "amount": 500, "idempotency_key": "r",
                                                  "reason": "arrived broken"])
            #expect(run.status == 0, "\(run)")
            #expect(try emulator.faultsFired("reset") == 1)
            #expect(try emulator.refunds().count == 1)
            #expect(try emulator.order(no)["refunded"] == 500)
        }

        @Test("An answer whose signature does not verify: exit 77, not retried, and a rerun makes no duplicate")
        func badAnswerSignature() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "bad-signature", "count": 1, "path_prefix": "/v3/pay/transactions/native"])
            let key = freshKey()
            let run = try emulator.run("create-intent", Event.intent(key: key))
            #expect(run.status == 77, "\(run)")
            #expect(run.errorCode?.hasPrefix("ANSWER_") == true, "\(run)")
            #expect(try run.result()["error"]?["retryable"] == false)
            #expect(try emulator.faultsFired("bad-signature") == 1)
            #expect(try emulator.stats()["prepay_requests"] == 1, "a forged answer is not retried")

            // The order exists at WeChat (only its answer was forged); once answers verify again, the same key finds
            // it instead of making another.
            let replay = try emulator.run("create-intent", Event.intent(key: key))
            #expect(replay.status == 0, "\(replay)")
            #expect(try emulator.orders().count == 1)
        }

        @Test("A forged answer to a refund: exit 77, and the retry with the same key refunds once")
        func badSignatureRefund() throws {
            let emulator = try Emulator()
            let created = try emulator.run("create-intent", Event.intent(key: freshKey()))
            let no = try #require(try created.result()["intent_id"]?.stringValue)
            try emulator.pay(no)
            try emulator.inject(["kind": "bad-signature", "count": 1, "path_prefix": "/v3/refund/domestic/refunds"])
            let event: JSONValue = ["intent_id": .string(no), "amount": 500, "idempotency_key": "r", "reason": "broken"]
            let forged = try emulator.run("refund", event)
            #expect(forged.status == 77, "\(forged)")
            let retry = try emulator.run("refund", event)
            #expect(retry.status == 0, "\(retry)")
            #expect(try emulator.refunds().count == 1)
            #expect(try emulator.order(no)["refunded"] == 500)
        }

        @Test("FREQUENCY_LIMITED on every call: RATE_LIMITED, exit 75, retryable")
        func rateLimited() throws {
            let emulator = try Emulator()
            try emulator.inject(["kind": "frequency-limited", "count": 1000])
            let run = try emulator.run("intent-status", ["idempotency_key": "k"])
            #expect(run.status == 75, "\(run)")
            #expect(run.errorCode == "RATE_LIMITED")
            #expect(try run.result()["error"]?["retryable"] == true)
        }

        @Test("An answer of 10 MiB (a broken gateway): WECHAT_ANSWER_TOO_LARGE, exit 69, retryable, retried")
        func oversizedAnswer() throws {
            let emulator = try Emulator()
            let server = try RecordingHTTPServer(body: [UInt8](repeating: 0x20, count: 10 << 20))
            defer { server.stop() }
            try emulator.process.rewriteSecrets { $0["api_base"] = .string("http://127.0.0.1:\(server.port)") }
            let run = try emulator.run("create-intent", Event.intent(key: freshKey()), env: ["WXPAY_MAX_ATTEMPTS": "2"])
            #expect(run.status == 69, "\(run)")
            #expect(run.errorCode == "WECHAT_ANSWER_TOO_LARGE")
            #expect(try run.result()["error"]?["retryable"] == true)
            #expect(server.requests.count == 2, "retried within WXPAY_MAX_ATTEMPTS")
        }
    }
}
