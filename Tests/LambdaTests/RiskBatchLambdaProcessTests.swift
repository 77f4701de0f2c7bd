import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayTestSupport

@Suite("risk-batch binary in Lambda mode, against a fake Runtime API", .serialized)
struct RiskBatchLambdaProcessTests {
    let riskBatch = Executables.path("risk-batch")

    @Test("each batch event is scored by a fresh engine, answers in order; a bad batch is an error post")
    func batches() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let process = try Child.start(riskBatch, environment: ["AWS_LAMBDA_RUNTIME_API": fake.address],
                                      logsIn: scratch.path)
        defer { process.terminate() }

        let crypto = #"{"id":"t1","amount":100,"currency":"CNY","description":"USDT 充值","user_openid":"o1","created_at":"2026-11-23T18:00:00+08:00","type":"payment"}"#
        let clean = #"{"id":"t2","amount":100,"currency":"CNY","description":"coffee","user_openid":"o1","created_at":"2026-11-23T18:00:01+08:00","type":"payment"}"#
        fake.enqueue(.init(json: #"{"transactions":[\#(crypto),\#(clean)]}"#, requestID: "batch-1"),
                     .init(json: #"{"transactions":[\#(clean)]}"#, requestID: "batch-2"),
                     .init(json: #"{"records":[]}"#, requestID: "bad"))
        let posts = fake.waitForPosts(3)
        try #require(posts.count == 3, "stderr: \(scratch.read("stderr"))")
        #expect(posts.map(\.path) == [
            "/2018-06-01/runtime/invocation/batch-1/response", "/2018-06-01/runtime/invocation/batch-2/response",
            "/2018-06-01/runtime/invocation/bad/error",
        ])
        let first = try json(posts[0])
        #expect(first["results"]?.arrayValue?.map { $0["id"] } == ["t1", "t2"], "one result per transaction, in order")
        #expect(first["results"]?.arrayValue?.first?["action"] == "block")
        #expect(first["summary"]?["records"] == 2)
        // A fresh engine per invocation: the second batch does not see the first one's payer history.
        let second = try json(posts[1])
        #expect(second["results"]?.arrayValue?.first?["reasons"] == .array([]))
        #expect(try json(posts[2])["errorType"] == "INVALID_FIELD")
    }
}
