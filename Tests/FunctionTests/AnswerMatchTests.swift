import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPayOperations
import WxPayRisk
import WxPaySandbox

/// A validly signed answer about something else than the request is never used (issue: faults, "nothing doubled").
@Suite("Answers must match their request")
struct AnswerMatchTests {
    static let keys: SandboxKeySet = {
        do { return try SandboxKeySet.generate() } catch { fatalError("key generation failed: \(error)") }
    }()
    static let now: Int64 = 1_796_083_200

    /// A client whose WeChat Pay answers every request with `body`, correctly signed.
    static func client(answering body: JSONValue, status: Int = 200) throws -> (Secrets, WxPayClient, Recorder) {
        try client { _ in (status, body) }
    }

    /// A client whose WeChat Pay answers each request with what `answer` gives for its method, correctly signed.
    static func client(_ answer: @escaping @Sendable (String) -> (Int, JSONValue)) throws
        -> (Secrets, WxPayClient, Recorder)
    {
        let secrets = try Secrets.parse(JSONCoding.encode(keys.secretsFile(mode: .publicKey,
                                                                            notifyURL: "https://example.com/n")))
        let side = keys.wechatSide(mode: .publicKey)
        let recorder = Recorder()
        let client = WxPayClient(secrets: secrets, deadline: .after(seconds: 5), retry: .none, now: { now },
                                 transport: { request throws(HTTPError) in
                                     recorder.record(request.method + " " + request.url)
                                     let (status, body) = answer(request.method)
                                     let bytes = (try? JSONCoding.encode(body)) ?? []
                                     let headers = (try? side.signedHeaders(body: bytes, timestamp: now)) ?? []
                                     return HTTPResponse(status: status, headers: headers, body: bytes)
                                 })
        return (secrets, client, recorder)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONCoding.decode(type, from: Array(json.utf8))
    }

    /// Another order of the same merchant: signed by WeChat Pay, but not the one asked for.
    static func foreignOrder(mchid: String, state: String = "SUCCESS", outTradeNo: String = "someone-elses-order",
                             extra: [String: JSONValue] = [:]) -> JSONValue
    {
        let order: [String: JSONValue] = [
            "mchid": .string(mchid), "appid": "wxd678efh567hg6787", "out_trade_no": .string(outTradeNo),
            "transaction_id": "4200000000202612010000000001", "trade_state": .string(state),
            "amount": ["total": 1999, "currency": "CNY"], "payer": ["openid": "o-other"],
        ]
        return .object(order.merging(extra) { _, new in new })
    }

    @Test("intent-status does not report another order's payment")
    func statusOfAnotherOrder() throws {
        let (secrets, client, _) = try Self.client(answering: Self.foreignOrder(mchid: Self.keys.mchid))
        let error = try #require(throws: WxPayError.self) {
            try GetIntentStatus(secrets: secrets, client: client, now: { Self.now })
                .run(Self.decode(GetIntentStatus.Input.self, #"{"idempotency_key":"thread-1"}"#))
        }
        #expect(error.code == "ANSWER_MISMATCH")
        #expect(error.exitStatus == 69)
        #expect(error.retryable)
    }

    @Test("create-intent does not take another order for its own (no second order for one key)")
    func createWithAnotherOrder() throws {
        // The optimistic prepay is refused (the number is taken), so create-intent looks the key's orders up: a
        // signed answer about another order must not pass for attempt 1 and lead to an order for attempt 2.
        let foreign = Self.foreignOrder(mchid: Self.keys.mchid, state: "NOTPAY")
        let (secrets, client, recorder) = try Self.client { method in
            method == "POST" ? (400, ["code": "INVALID_REQUEST", "message": "201 商户订单号重复"]) : (200, foreign)
        }
        let error = try #require(throws: WxPayError.self) {
            try CreateIntent(secrets: secrets, client: client, now: { Self.now }).run(Self.decode(
                CreateIntent.Input.self,
                #"{"amount":1999,"description":"Coffee","idempotency_key":"thread-1","channel":"native"}"#))
        }
        #expect(error.code == "ANSWER_MISMATCH")
        #expect(recorder.requests.filter { $0.hasPrefix("POST") }.count == 1, "only the one optimistic prepay")
    }

    @Test("refund does not refund an order other than the one named")
    func refundOfAnotherOrder() throws {
        let (secrets, client, recorder) = try Self.client(answering: Self.foreignOrder(mchid: Self.keys.mchid))
        let error = try #require(throws: WxPayError.self) {
            try Refund(secrets: secrets, client: client, rules: .defaults, now: { Self.now }).run(Self.decode(
                Refund.Input.self, #"{"intent_id":"my-order-1","idempotency_key":"r-1","reason":"the cup was broken"}"#))
        }
        #expect(error.code == "ANSWER_MISMATCH")
        #expect(!recorder.requests.contains { $0.hasPrefix("POST") }, "no refund may be requested")
    }

    @Test("an answer naming another merchant, or a sub-merchant, is not used")
    func otherMerchant() throws {
        for answer in [Self.foreignOrder(mchid: "1900000999", outTradeNo: "my-order-1"),
                       Self.foreignOrder(mchid: Self.keys.mchid, outTradeNo: "my-order-1", extra: ["sub_mchid": "1"])] {
            let (secrets, client, _) = try Self.client(answering: answer)
            let error = try #require(throws: WxPayError.self) {
                try GetIntentStatus(secrets: secrets, client: client, now: { Self.now })
                    .run(Self.decode(GetIntentStatus.Input.self, #"{"intent_id":"my-order-1"}"#))
            }
            #expect(error.code == "ANSWER_MISMATCH")
        }
    }

    @Test("the matching answer is used (control)")
    func matching() throws {
        let order = Self.foreignOrder(mchid: Self.keys.mchid, outTradeNo: "my-order-1")
        let (secrets, client, _) = try Self.client(answering: order)
        let status = try GetIntentStatus(secrets: secrets, client: client, now: { Self.now })
            .run(Self.decode(GetIntentStatus.Input.self, #"{"intent_id":"my-order-1"}"#))
        #expect(status["intent_id"] == "my-order-1")
        #expect(status["status"] == "succeeded")
    }
}

/// What the fake transport was asked.
final class Recorder: @unchecked Sendable {
    private let lock = NSLockLike()
    private var list: [String] = []
    func record(_ line: String) { lock.withLock { list.append(line) } }
    var requests: [String] { lock.withLock { list } }
}

import Synchronization
final class NSLockLike: Sendable {
    private let mutex = Mutex(())
    func withLock<T>(_ body: () -> T) -> T { mutex.withLock { _ in body() } }
}
