import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    /// Each of the emulator's broken-answer faults, armed for every attempt, under each payment function: the exit
    /// status and code docs/errors.md gives, and, once WeChat Pay answers properly again, the same call succeeds with
    /// the same order or refund and nothing was made twice (counted from the emulator's raw request log and books).
    @Suite("Faults: broken answers under every payment function")
    struct WireFaults {
        /// A fault kind, what it must end in, and the WXPAY_TIME_BUDGET_MS that bounds a run.
        struct Case: Sendable, CustomStringConvertible {
            let kind: String
            let when: String
            let exit: Int32
            let code: String
            var description: String { "\(kind) (\(when))" }
        }

        static let cases: [Case] = [
            Case(kind: "timeout", when: "after", exit: 75, code: "TIMED_OUT"),
            Case(kind: "reset-mid-answer", when: "after", exit: 69, code: "WECHAT_UNAVAILABLE"),
            Case(kind: "drip", when: "after", exit: 75, code: "TIMED_OUT"),
            Case(kind: "truncated", when: "before", exit: 69, code: "WECHAT_UNAVAILABLE"),
            Case(kind: "unknown-serial", when: "after", exit: 77, code: "ANSWER_UNKNOWN_SERIAL"),
            Case(kind: "other-order", when: "after", exit: 69, code: "ANSWER_MISMATCH"),
        ]

        static let budget = ["WXPAY_TIME_BUDGET_MS": "1000"]

        @Test("the documented exit status, then a clean retry with nothing doubled", arguments: cases)
        func everyFunction(_ c: Case) throws {
            let emulator = try Emulator()
            let key = freshKey()
            let no = IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1)
            // Another paid order with a refund, so that other-order has something real to answer about.
            let other = try emulator.run("create-intent", Event.intent(key: freshKey()))
            let otherNo = try #require(try other.result()["intent_id"]?.stringValue)
            try emulator.pay(otherNo)
            #expect(try emulator.run("refund", ["intent_id": .string(otherNo), "amount": 100, "idempotency_key": "o",
                                                "reason": "damaged"]).status == 0)

            func check(_ function: String, _ event: JSONValue, rule extra: [String: JSONValue] = [:],
                       _ comment: Comment) throws
            {
                var rule: [String: JSONValue] = ["kind": .string(c.kind), "count": 50, "when": .string(c.when)]
                if c.kind == "timeout" { rule["delay_ms"] = 2500 }
                try emulator.inject(.object(rule.merging(extra) { $1 }))
                let run = try emulator.run(function, event, env: Self.budget)
                try emulator.control("DELETE", "/_emulator/faults")
                #expect(run.status == c.exit, "\(function) \(comment): \(run)")
                #expect(run.errorCode == c.code, "\(function) \(comment): \(run)")
                let retryable = try run.result()["error"]?["retryable"]
                #expect(retryable == .bool(c.exit == 69 || c.exit == 75), "\(function): retryable as documented")
                #expect(run.seconds < 4, "\(function) kept to its 1 s budget: \(run.seconds) s")
                let again = try emulator.run(function, event, env: Self.budget)
                #expect(again.status == 0, "\(function) with WeChat Pay healthy again: \(again)")
            }

            // create-intent: a prepay answer names no order, so other-order is aimed at the lookup a repeat makes.
            if c.kind == "other-order" {
                #expect(try emulator.run("create-intent", Event.intent(key: key)).status == 0)
                try check("create-intent", Event.intent(key: key),
                          rule: ["path_prefix": "/v3/pay/transactions/out-trade-no/", "method": "GET"], "(repeat)")
            } else {
                try check("create-intent", Event.intent(key: key), "")
            }
            try check("intent-status", ["idempotency_key": .string(key)], "")
            try emulator.pay(no)
            let refund: JSONValue = ["intent_id": .string(no), "amount": 500, "idempotency_key": "r-1",
                                     "reason": "the parcel arrived damaged"]
            try check("refund", refund, "")
            try check("refund-status", ["out_refund_no": .string(IntentIdentity.outRefundNo(
                mchid: emulator.secrets.mchid, outTradeNo: no, idempotencyKey: "r-1"))], "")

            // close-intent on unpaid orders: the fault on its lookup, then on the close itself (a close's answer has
            // no body, so other-order is aimed at the lookup only).
            var unpaid: [String] = []
            for target in c.kind == "other-order" ? ["GET"] : ["GET", "POST"] {
                let k = freshKey()
                unpaid.append(IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: k, attempt: 1))
                #expect(try emulator.run("create-intent", Event.intent(key: k)).status == 0)
                try check("close-intent", ["idempotency_key": .string(k)], rule: ["method": .string(target)],
                          "(fault on \(target))")
            }

            // Counted from the raw request log: one order number per key in the prepays, one refund number per key.
            let prepays = try emulator.requests().filter { $0.method == "POST" && $0.target == "/v3/pay/transactions/native" }
            let numbers = Dictionary(grouping: prepays.compactMap { $0.json }) {
                $0["attach"]?.stringValue.flatMap(AttachCodec.decode)?.idempotencyKey ?? "?"
            }.mapValues { Set($0.compactMap { $0["out_trade_no"]?.stringValue }) }
            #expect(numbers.values.allSatisfy { $0.count == 1 }, "\(numbers)")
            let refundNumbers = Set(try emulator.requests()
                .filter { $0.method == "POST" && $0.target == "/v3/refund/domestic/refunds" }
                .compactMap { $0.json?["out_refund_no"]?.stringValue })
            #expect(refundNumbers.count == 2, "one refund number per (order, key): \(refundNumbers)")
            // And from the books.
            #expect(try emulator.orders().count == 2 + unpaid.count)
            #expect(try emulator.refunds().count == 2)
            #expect(try emulator.order(no)["refunded"] == 500)
            for n in unpaid { #expect(try emulator.order(n)["trade_state"] == "CLOSED") }
        }

        @Test("close-intent does not report a close that did not happen (a 204 of another close): ANSWER_MISMATCH, 69")
        func closeAnsweredButNotClosed() throws {
            // Regression: a close's 204 names no order, and close-intent used to report "closed" on any 204. It now
            // reads the order back.
            let emulator = try Emulator()
            let key = freshKey()
            #expect(try emulator.run("create-intent", Event.intent(key: key)).status == 0)
            let no = IntentIdentity.outTradeNo(mchid: emulator.secrets.mchid, idempotencyKey: key, attempt: 1)
            try emulator.inject(["kind": "other-order", "when": "before", "method": "POST"])
            let run = try emulator.run("close-intent", ["idempotency_key": .string(key)])
            #expect(run.status == 69, "\(run)")
            #expect(run.errorCode == "ANSWER_MISMATCH", "\(run)")
            #expect(try run.result()["error"]?["retryable"] == true)
            #expect(try emulator.order(no)["trade_state"] == "NOTPAY", "the close never took effect")
            let again = try emulator.run("close-intent", ["idempotency_key": .string(key)])
            #expect(again.status == 0, "\(again)")
            #expect(try again.result()["closed"] == true)
            #expect(try again.result()["already_closed"] == false)
            #expect(try emulator.order(no)["trade_state"] == "CLOSED")
        }
    }
}
