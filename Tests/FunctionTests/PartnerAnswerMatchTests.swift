import KitCore
import Testing
import WxPayCore
import WxPayOperations
import WxPaySandbox

/// Service-provider mode: a verified answer must name the sub-merchant the request named (and the provider as
/// `sp_mchid`); direct mode keeps refusing any answer that names a sub-merchant.
@Suite("Answers must match their request: service-provider mode")
struct PartnerAnswerMatchTests {
    static let sub = "1900000201"

    /// A sub-merchant's order as the partner query answers it.
    static func partnerOrder(sp: String, sub: String, outTradeNo: String = "my-order-1") -> JSONValue {
        ["sp_mchid": .string(sp), "sp_appid": "wxd678efh567hg6787", "sub_mchid": .string(sub),
         "out_trade_no": .string(outTradeNo), "transaction_id": "4200000000202612010000000001", "trade_state": "SUCCESS",
         "amount": ["total": 1999, "currency": "CNY"], "payer": ["sp_openid": "o-payer"]]
    }

    static func status(_ answer: JSONValue, _ input: String) throws -> Result<JSONValue, WxPayError> {
        let (secrets, client, _) = try AnswerMatchTests.client(answering: answer)
        let op = GetIntentStatus(secrets: secrets, client: client, now: { AnswerMatchTests.now })
        let decoded = try AnswerMatchTests.decode(GetIntentStatus.Input.self, input)
        do throws(WxPayError) { return .success(try op.run(decoded)) } catch { return .failure(error) }
    }

    @Test("intent-status for a sub-merchant uses an answer about that sub-merchant's order (control)")
    func matching() throws {
        let sp = AnswerMatchTests.keys.mchid
        let view = try Self.status(Self.partnerOrder(sp: sp, sub: Self.sub),
                                   #"{"intent_id":"my-order-1","sub_mchid":"\#(Self.sub)"}"#).get()
        #expect(view["status"] == "succeeded")
        #expect(view["sub_mchid"]?.stringValue == Self.sub)
        #expect(view["payer_openid"] == "o-payer")
    }

    @Test("an answer naming another sub-merchant, another provider, or none is ANSWER_MISMATCH")
    func otherSubMerchant() throws {
        let sp = AnswerMatchTests.keys.mchid
        var noSub = Self.partnerOrder(sp: sp, sub: Self.sub).objectValue ?? [:]
        noSub["sub_mchid"] = nil
        for answer in [Self.partnerOrder(sp: sp, sub: "1900000202"), Self.partnerOrder(sp: "1230000000", sub: Self.sub),
                       .object(noSub)] {
            let result = try Self.status(answer, #"{"intent_id":"my-order-1","sub_mchid":"\#(Self.sub)"}"#)
            guard case .failure(let error) = result else {
                Issue.record("a foreign answer was used: \(answer)")
                continue
            }
            #expect(error.code == "ANSWER_MISMATCH", "\(error)")
            #expect(error.exitStatus == 69)
            #expect(error.retryable)
        }
    }

    @Test("AnswerMatch: direct mode refuses any sub_mchid; partner mode only another one")
    func rule() throws {
        let answer: JSONValue = ["out_refund_no": "rf1", "sub_mchid": .string(Self.sub)]
        #expect(throws: WxPayError.self) { try AnswerMatch.require(answer, ["out_refund_no": "rf1"], about: "refund") }
        try AnswerMatch.require(answer, ["out_refund_no": "rf1"], about: "refund",
                                partner: try PartnerScope(subMchid: Self.sub), spMchid: "1")
        #expect(throws: WxPayError.self) {
            try AnswerMatch.require(answer, ["out_refund_no": "rf1"], about: "refund",
                                    partner: try PartnerScope(subMchid: "1900000202"), spMchid: "1")
        }
        // A refund answer naming no sub-merchant (WeChat's refund answers carry none) is about this request.
        try AnswerMatch.require(["out_refund_no": "rf1"], ["out_refund_no": "rf1"], about: "refund",
                                partner: try PartnerScope(subMchid: Self.sub), spMchid: "1")
    }
}
