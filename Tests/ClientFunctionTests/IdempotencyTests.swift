import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("create-intent: idempotency")
    struct Idempotency {
        /// The prepay endpoints, the only requests that create orders.
        static let prepayTargets: Set<String> = Set(["jsapi", "app", "native", "h5"].map { "/v3/pay/transactions/" + $0 })

        /// The orders the wire shows, from the emulator's raw request log rather than its books: for each
        /// out_trade_no, the distinct order parameters that a prepay request carried and WeChat Pay accepted (200).
        /// A replay repeats the accepted parameters byte for byte, so one order is one number with one parameter
        /// set; a second order — under another number, or other parameters accepted under the same number — is a
        /// second entry.
        static func ordersOnTheWire(_ requests: [LoggedRequest]) throws -> [String: Set<JSONValue>] {
            var orders: [String: Set<JSONValue>] = [:]
            for request in requests where request.method == "POST" && prepayTargets.contains(request.target) {
                let body = try #require(request.json, "prepay request \(request.seq) without a JSON body")
                let no = try #require(body["out_trade_no"]?.stringValue, "prepay request \(request.seq) without out_trade_no")
                if request.status == 200 { orders[no, default: []].insert(body) }
            }
            return orders
        }

        @Test("20 processes started at once with the same key: exactly one order on the wire, all 20 name the same intent")
        func concurrentCallers() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let no = IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1)
            let event = Event.intent(key: key, amount: 4200, ["channel": "native"])
            let children = try (0..<20).map { _ in try emulator.spawn("create-intent", event) }
            let runs = children.map { $0.wait() }

            for run in runs { #expect(run.status == 0, "\(run)") }
            let ids = Set(try runs.map { try $0.result()["intent_id"]?.stringValue ?? "none" })
            #expect(ids == [no])
            let urls = Set(try runs.map { try $0.result()["confirmation_url"]?.stringValue ?? "none" })
            #expect(urls.count == 1)

            // The oracle: what arrived on the wire, not the emulator's order book or counters.
            let wire = try emulator.requests()
            let prepays = wire.filter { $0.method == "POST" && Self.prepayTargets.contains($0.target) }
            #expect(prepays.count >= 20, "each process sends its own create: \(prepays.count) prepay requests")
            #expect(prepays.allSatisfy { $0.status != nil }, "a prepay request was never answered")
            let numbers = Set(prepays.map { $0.json?["out_trade_no"]?.stringValue ?? "none" })
            #expect(numbers == [no], "prepay requests named other order numbers: \(numbers)")
            let orders = try Self.ordersOnTheWire(wire)
            #expect(orders.keys.sorted() == [no], "accepted prepay requests for \(orders.keys.sorted())")
            #expect(orders[no]?.count == 1, "WeChat Pay accepted \(orders[no]?.count ?? 0) different orders under \(no)")
            // The emulator's books agree (a cross-check, not the oracle).
            #expect(try emulator.orders().count == 1)
        }

        @Test("The wire oracle counts a second order when there is one (a second attempt of the same key)")
        func oracleSeesSecondOrder() throws {
            let emulator = try Emulator()
            let key = freshKey()
            let first = try emulator.run("create-intent", Event.intent(key: key, ["channel": "native"]))
            #expect(first.status == 0, "\(first)")
            #expect(try Self.ordersOnTheWire(try emulator.requests()).values.map(\.count) == [1])
            let second = try emulator.run("create-intent", Event.intent(key: key, ["channel": "native", "attempt": 2]))
            #expect(second.status == 0, "\(second)")
            let orders = try Self.ordersOnTheWire(try emulator.requests())
            #expect(orders.count == 2, "\(orders.keys.sorted())")
            #expect(orders.values.allSatisfy { $0.count == 1 })
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
            let expiresAt = try #require(b["expires_at"], "\(b)")
            #expect(a["expires_at"] == expiresAt)
            let package = try #require(b["confirmation"]?["package"], "\(b)")
            #expect(a["confirmation"]?["package"] == package)
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
            // On the wire: the changed orders reached WeChat Pay and were refused; one order was accepted.
            let wire = try emulator.requests()
            let refused = wire.filter { $0.method == "POST" && Self.prepayTargets.contains($0.target) && $0.status != 200 }
            #expect(refused.count == 2, "\(refused.map { "\($0.status ?? -1) \($0.code ?? "")" })")
            #expect(try Self.ordersOnTheWire(wire).values.map(\.count) == [1])
            #expect(try emulator.orders().count == 1)
            #expect(try emulator.order(IntentIdentity.outTradeNo(
                mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1))["amount"]?["total"] == 1999)
        }
    }
}
