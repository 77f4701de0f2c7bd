import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

extension ClientFunctionTests {
    @Suite("refund-status")
    struct RefundStatus {
        /// A paid intent of 1000 fen refunded 300 fen under key `r-1`; returns (intent id, out_refund_no, refund_id).
        static func refunded(_ emulator: Emulator) throws -> (no: String, outRefundNo: String, refundID: String) {
            let no = try Refunds.paidIntent(emulator, amount: 1000)
            let made = try emulator.run("refund", ["intent_id": .string(no), "amount": 300, "idempotency_key": "r-1",
                                                   "reason": "The item arrived damaged"])
            #expect(made.status == 0, "\(made)")
            let r = try made.result()
            let outRefundNo = try #require(r["out_refund_no"]?.stringValue, "\(r)")
            let refundID = try #require(r["refund_id"]?.stringValue, "\(r)")
            return (no, outRefundNo, refundID)
        }

        @Test("create, pay, refund: processing with a check_later hint; once WeChat Pay finishes it, succeeded")
        func processingThenSucceeded() throws {
            let emulator = try Emulator(extra: ["--manual-refunds"])
            let (no, outRefundNo, refundID) = try Self.refunded(emulator)

            let before = try emulator.run("refund-status", ["out_refund_no": .string(outRefundNo)])
            #expect(before.status == 0, "\(before)")
            let processing = try before.result()
            #expect(processing["status"] == "processing")
            #expect(processing["wechat_status"] == "PROCESSING")
            #expect(processing["out_refund_no"]?.stringValue == outRefundNo)
            #expect(processing["refund_id"]?.stringValue == refundID)
            #expect(processing["out_trade_no"]?.stringValue == no)
            #expect(processing["intent_id"]?.stringValue == no)
            #expect(processing["amount"] == 300)
            #expect(processing["total_amount"] == 1000)
            #expect(processing["currency"] == "CNY")
            #expect(processing["success_time"] == nil)
            #expect(processing["next_action"]?["type"] == "check_later", "\(processing)")
            #expect((processing["next_action"]?["after_seconds"]?.intValue ?? 0) > 0)
            #expect(processing["replayed"] == nil, "refund-status makes no refund to replay")

            try emulator.control("POST", "/_emulator/refunds/\(outRefundNo)/succeed", [:])
            let after = try emulator.run("refund-status", ["out_refund_no": .string(outRefundNo)])
            #expect(after.status == 0, "\(after)")
            let succeeded = try after.result()
            #expect(succeeded["status"] == "succeeded")
            #expect(succeeded["wechat_status"] == "SUCCESS")
            #expect(succeeded["success_time"]?.stringValue?.isEmpty == false, "\(succeeded)")
            #expect(succeeded["next_action"] == nil)
            #expect(succeeded["refund_id"]?.stringValue == refundID)
            #expect(succeeded["amount"] == 300)

            // Read-only: the books hold the one refund, and only GETs of this refund number were sent for it.
            #expect(try emulator.refunds().count == 1)
            let queries = try emulator.requests().filter { $0.target.hasPrefix("/v3/refund/domestic/refunds/") }
            #expect(queries.count >= 2 && queries.allSatisfy {
                $0.method == "GET" && $0.target == "/v3/refund/domestic/refunds/\(outRefundNo)"
            }, "\(queries.map(\.target))")
            #expect(try SchemaCheck.errors([
                .init(schema: "functions/refund-status/output.schema.json", instance: processing, label: "processing"),
                .init(schema: "functions/refund-status/output.schema.json", instance: succeeded, label: "succeeded"),
            ]) == [])
        }

        @Test("The same through the tool-call envelope: get_refund_status answers as a tool message")
        func toolCall() throws {
            let emulator = try Emulator()
            let (_, outRefundNo, refundID) = try Self.refunded(emulator)
            let run = try emulator.run("refund-status", try Event.toolCall("get_refund_status",
                                                                           ["out_refund_no": .string(outRefundNo)]))
            #expect(run.status == 0, "\(run)")
            #expect(try run.json()["role"] == "tool")
            #expect(try run.result()["refund_id"]?.stringValue == refundID)
            let other = try emulator.run("refund-status", try Event.toolCall("get_payment_status", ["intent_id": "abcdef"]))
            #expect(other.status == 65, "refund-status serves get_refund_status only: \(other)")
        }

        @Test("An unknown refund is REFUND_NOT_FOUND, exit 1, not retryable")
        func unknownRefund() throws {
            let emulator = try Emulator()
            let run = try emulator.run("refund-status", ["out_refund_no": "rf000000000000000000000000000000"])
            #expect(run.status == 1, "\(run)")
            #expect(run.errorCode == "REFUND_NOT_FOUND")
            let result = try run.result()
            #expect(result["error"]?["retryable"] == false)
            let http = try emulator.run("refund-status", try Event.http(["out_refund_no": "rf000000000000000000000000000000"]))
            #expect(try http.json()["statusCode"] == 404, "\(http)")
            #expect(try SchemaCheck.errors([
                .init(schema: "functions/refund-status/output.schema.json", instance: result, label: "not found"),
            ]) == [])
        }

        @Test("A signed answer about another refund (other-order) is ANSWER_MISMATCH, exit 69, retryable; then it works",
              arguments: [true, false])
        func otherRefund(_ anotherRefundExists: Bool) throws {
            let emulator = try Emulator()
            let (_, outRefundNo, refundID) = try Self.refunded(emulator)
            if anotherRefundExists {
                // A real refund of another order for the emulator to replay (else it makes one up).
                let other = try Refunds.paidIntent(emulator)
                #expect(try emulator.run("refund", ["intent_id": .string(other), "amount": 100, "idempotency_key": "o",
                                                    "reason": "damaged"]).status == 0)
            }
            try emulator.inject(["kind": "other-order", "count": 1,
                                 "path_prefix": .string("/v3/refund/domestic/refunds/\(outRefundNo)")])
            let run = try emulator.run("refund-status", ["out_refund_no": .string(outRefundNo)])
            #expect(run.status == 69, "\(run)")
            #expect(run.errorCode == "ANSWER_MISMATCH")
            #expect(try run.result()["error"]?["retryable"] == true)
            #expect(!run.stdoutText.contains("\"refund_id\""), "nothing of the foreign answer is reported: \(run)")
            #expect(try emulator.faultsFired("other-order") == 1)

            let again = try emulator.run("refund-status", ["out_refund_no": .string(outRefundNo)])
            #expect(again.status == 0, "\(again)")
            #expect(try again.result()["refund_id"]?.stringValue == refundID)
        }
    }
}
