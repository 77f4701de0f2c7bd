import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPayTestSupport

extension ClientFunctionTests {
    /// create_payment_intent repeated with the same key for an intent that no longer waits for payment: the answer
    /// and its hint say what really became of the intent (closed, expired, paid, refunded, failed), never another
    /// state's words — an agent repeats the hint to the user.
    @Suite("create-intent: every hint states the real state")
    struct Hints {
        static let native: [String: JSONValue] = ["channel": "native", "expires_in": 60]

        /// Creates an intent for `key` and returns its id.
        static func create(_ emulator: Emulator, key: String, _ params: [String: JSONValue] = native) throws -> String {
            let run = try emulator.run("create-intent", Event.intent(key: key, params))
            #expect(run.status == 0, "\(run)")
            return try #require(try run.result()["intent_id"]?.stringValue, "\(run)")
        }

        /// The repeated call's answer, checked against the output schema.
        static func repeated(_ emulator: Emulator, key: String, _ params: [String: JSONValue] = native,
                             sourceLocation: SourceLocation = #_sourceLocation) throws -> JSONValue
        {
            let run = try emulator.run("create-intent", Event.intent(key: key, params))
            #expect(run.status == 0, "\(run)", sourceLocation: sourceLocation)
            let answer = try run.result()
            #expect(try SchemaCheck.errors([.init(schema: "functions/create-intent/output.schema.json",
                                                  instance: answer, label: "repeat")]) == [],
                    sourceLocation: sourceLocation)
            return answer
        }

        /// An unpaid order for `key`, created by create-intent's rules but `age` seconds ago (create-intent's clock
        /// cannot be moved, and the shortest `expires_in` is 60 s). Its body is a real create-intent request for
        /// another key, taken from the emulator's request log, with the number, the key in `attach` and the
        /// creation time changed; it is sent signed with the merchant's key.
        static func agedOrder(_ emulator: Emulator, key: String, age: Int64) throws -> (no: String, expiresAt: Int64) {
            _ = try create(emulator, key: freshKey("template"))
            let sent = try #require(try emulator.requests().last {
                $0.method == "POST" && $0.target == "/v3/pay/transactions/native" && $0.status == 200
            }, "create-intent sent no accepted native prepay")
            var body = try #require(sent.json?.objectValue, "\(sent)")
            var attach = try #require(body["attach"]?.stringValue.flatMap(AttachCodec.decode), "\(body)")
            let expiresIn = try #require(attach.expiresIn)
            let createdAt = System.unixTime() - age
            let no = IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1)
            attach.idempotencyKey = key
            attach.createdAt = createdAt
            body["out_trade_no"] = .string(no)
            body["attach"] = .string(try #require(attach.encoded()))
            body["time_expire"] = .string(ChinaTime.format(unix: createdAt + expiresIn))
            let client = WxPayClient(secrets: emulator.secrets, deadline: .after(seconds: 10))
            let answer = try client.post(sent.target, .object(body))
            #expect(answer.status == 200, "\(answer.body)")
            return (no, createdAt + expiresIn)
        }

        @Test("After cancel_payment_intent: status closed, and the re-prompt hint says closed, not expired")
        func closedReprompt() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let no = try Self.create(emulator, key: key)
            let close = try emulator.run("close-intent", ["intent_id": .string(no)])
            #expect(close.status == 0, "\(close)")

            let answer = try Self.repeated(emulator, key: key)
            #expect(answer["intent_id"]?.stringValue == no)
            #expect(answer["status"] == "closed")
            let next = try #require(answer["next_action"], "\(answer)")
            #expect(next["type"] == "reprompt")
            #expect(next["attempt"] == 2)
            let hint = try #require(next["hint"]?.stringValue)
            #expect(hint.contains("closed"), "\(hint)")
            #expect(!hint.lowercased().contains("expired"), "a closed intent's hint speaks of expiry: \(hint)")
            #expect(hint.contains("\"attempt\": 2"), "\(hint)")
            #expect(try Idempotency.ordersOnTheWire(try emulator.requests()).count == 1, "a re-prompt creates nothing")
        }

        @Test("After cancel_payment_intent with on_expiry fallback_link: the link's hint says closed, not expired")
        func closedFallback() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let no = try Self.create(emulator, key: key)
            #expect(try emulator.run("close-intent", ["intent_id": .string(no)]).status == 0)

            var params = Self.native
            params["on_expiry"] = "fallback_link"
            let answer = try Self.repeated(emulator, key: key, params)
            #expect(answer["status"] == "closed")
            let next = try #require(answer["next_action"], "\(answer)")
            #expect(next["type"] == "fallback_link")
            #expect(next["url"]?.stringValue?.isEmpty == false)
            let hint = try #require(next["hint"]?.stringValue)
            #expect(hint.contains("closed"), "\(hint)")
            #expect(hint.contains("only if they still want"), "\(hint)")
            #expect(!hint.lowercased().contains("expired"), "a closed intent's hint speaks of expiry: \(hint)")
        }

        @Test("An intent whose payment window passed: status expired, and both hints say expired, not closed")
        func expired() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let (no, expiresAt) = try Self.agedOrder(emulator, key: key, age: 56)
            while System.unixTime() < expiresAt { Thread.sleep(forTimeInterval: 0.1) }

            let answer = try Self.repeated(emulator, key: key)
            #expect(answer["intent_id"]?.stringValue == no)
            #expect(answer["status"] == "expired", "\(answer)")
            let hint = try #require(answer["next_action"]?["hint"]?.stringValue, "\(answer)")
            #expect(hint.contains("expired"), "\(hint)")
            #expect(!hint.contains("closed") && !hint.contains("cancel"), "an expired intent's hint speaks of a close: \(hint)")

            var params = Self.native
            params["on_expiry"] = "fallback_link"
            let fallback = try Self.repeated(emulator, key: key, params)
            #expect(fallback["status"] == "expired", "\(fallback)")
            #expect(fallback["next_action"]?["type"] == "fallback_link")
            let linkHint = try #require(fallback["next_action"]?["hint"]?.stringValue, "\(fallback)")
            #expect(linkHint.contains("expired"), "\(linkHint)")
            #expect(!linkHint.contains("closed") && !linkHint.contains("cancel"), "\(linkHint)")
        }

        @Test("A paid, refunded or failed intent: its own status and trade_state, and no hint about expiry or closing",
              arguments: [("succeeded", "SUCCESS"), ("refunded", "REFUND"), ("failed", "PAYERROR")] as [(String, String)])
        func settled(status: String, tradeState: String) throws {
            let emulator = try Emulator()
            let key = freshKey()
            let no = try Self.create(emulator, key: key)
            switch status {
            case "succeeded":
                try emulator.pay(no)
            case "refunded":
                try emulator.pay(no)
                let refund = try emulator.run("refund", ["intent_id": .string(no), "amount": 500, "idempotency_key": "r-1",
                                                         "reason": "The item arrived damaged"])
                #expect(refund.status == 0, "\(refund)")
            default:
                try emulator.control("POST", "/_emulator/orders/\(no)/fail", [:])
            }

            let answer = try Self.repeated(emulator, key: key)
            #expect(answer["intent_id"]?.stringValue == no)
            #expect(answer["status"] == .string(status), "\(answer)")
            #expect(answer["trade_state"] == .string(tradeState), "\(answer)")
            #expect(answer["next_action"] == nil, "a \(status) intent is told what to do next: \(answer)")
            let text = try JSONCoding.string(answer)
            #expect(!text.contains("expired") && !text.contains("closed"), "a \(status) intent's answer: \(text)")
        }
    }
}
