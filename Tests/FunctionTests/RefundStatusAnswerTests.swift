import KitCore
import Testing
import WxPayCore
import WxPayOperations
import WxPaySandbox

/// `refund-status` on answers WeChat Pay signs but the emulator does not produce (ABNORMAL, CLOSED, another
/// merchant's refund), through a client whose transport answers with a correctly signed body.
@Suite("refund-status answers")
struct RefundStatusAnswerTests {
    static let no = "rf19ab60e215395c1f982528484b33d2"

    /// A refund as WeChat Pay's refund query answers it (no mchid: WeChat's answer carries none).
    static func refund(status: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        var o: [String: JSONValue] = [
            "refund_id": "50000000382019052709732678859", "out_refund_no": .string(no),
            "transaction_id": "4200000000202612010000000001", "out_trade_no": "aid5386e1df69538cb55e8a27d-1",
            "channel": "ORIGINAL", "user_received_account": "招商银行信用卡0403", "create_time": "2026-12-01T10:00:00+08:00",
            "status": .string(status), "funds_account": "AVAILABLE",
            "amount": ["total": 1999, "refund": 500, "payer_total": 1999, "payer_refund": 500, "currency": "CNY"],
        ]
        if status == "SUCCESS" { o["success_time"] = "2026-12-01T10:00:05+08:00" }
        return .object(o.merging(extra) { _, new in new })
    }

    static func run(_ answer: JSONValue, status: Int = 200) throws -> (JSONValue, Recorder) {
        let (secrets, client, recorder) = try AnswerMatchTests.client(answering: answer, status: status)
        let out = try GetRefundStatus(secrets: secrets, client: client, now: { AnswerMatchTests.now })
            .run(AnswerMatchTests.decode(GetRefundStatus.Input.self, #"{"out_refund_no":"\#(no)"}"#))
        return (out, recorder)
    }

    @Test("each WeChat refund status maps to its word and hint", arguments: [
        ("SUCCESS", "succeeded", nil), ("CLOSED", "closed", nil), ("PROCESSING", "processing", "check_later"),
        ("ABNORMAL", "abnormal", "merchant_action"),
    ] as [(String, String, String?)])
    func statuses(_ wechat: String, _ word: String, _ hint: String?) throws {
        let (out, recorder) = try Self.run(Self.refund(status: wechat))
        #expect(out["status"] == .string(word))
        #expect(out["wechat_status"] == .string(wechat))
        #expect(out["next_action"]?["type"] == hint.map(JSONValue.string))
        #expect(out["next_action"].map { $0["message"]?.stringValue?.isEmpty == false } ?? true)
        #expect(out["amount"] == 500)
        #expect(out["total_amount"] == 1999)
        #expect(out["out_refund_no"] == .string(Self.no))
        #expect(out["intent_id"] == "aid5386e1df69538cb55e8a27d-1")
        #expect((out["success_time"] != nil) == (wechat == "SUCCESS"))
        #expect(out["user_received_account"] == nil, "the payer's account is not reported")
        #expect(recorder.requests.count == 1)
        #expect(recorder.requests.first?.hasPrefix("GET ") == true)
        #expect(recorder.requests.first?.hasSuffix("/v3/refund/domestic/refunds/\(Self.no)") == true)
    }

    @Test("an answer about another refund, another merchant or a sub-merchant is ANSWER_MISMATCH (69, retryable)",
          arguments: [
              ["out_refund_no": "rf00000000000000000000000000other"],
              ["mchid": "1900000999"],
              ["sub_mchid": "1900000110"],
          ] as [[String: JSONValue]])
    func mismatch(_ extra: [String: JSONValue]) throws {
        let error = try #require(throws: WxPayError.self) { try Self.run(Self.refund(status: "SUCCESS", extra: extra)) }
        #expect(error.code == "ANSWER_MISMATCH")
        #expect(error.exitStatus == 69)
        #expect(error.retryable)
    }

    @Test("the merchant's own mchid in the answer is accepted")
    func ownMchid() throws {
        let (out, _) = try Self.run(Self.refund(status: "PROCESSING", extra: ["mchid": .string(AnswerMatchTests.keys.mchid)]))
        #expect(out["status"] == "processing")
    }

    @Test("RESOURCE_NOT_EXISTS is REFUND_NOT_FOUND: exit 1, HTTP 404, not retryable")
    func notFound() throws {
        let error = try #require(throws: WxPayError.self) {
            try Self.run(["code": "RESOURCE_NOT_EXISTS", "message": "退款单不存在"], status: 404)
        }
        #expect(error.code == "REFUND_NOT_FOUND")
        #expect(error.exitStatus == 1)
        #expect(error.httpStatus == 404)
        #expect(!error.retryable)
    }
}
