import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPaySandbox
import WxPayTestSupport

/// A merchant key set and notifications signed by its WeChat Pay side.
struct Merchant {
    let keys: SandboxKeySet
    let builder: NotificationBuilder

    init() throws {
        keys = try SandboxKeySet.generate()
        builder = NotificationBuilder(side: keys.wechatSide(mode: .publicKey))
    }

    func secrets(forwardURL: String? = nil) throws -> [UInt8] {
        try JSONCoding.encode(try keys.secretsFile(mode: .publicKey, forwardURL: forwardURL,
                                                   forwardSecret: forwardURL.map { _ in "fwd_test_secret_0123456789" }))
    }

    /// A payment notification as API Gateway HTTP API (2.0) delivers it.
    func gatewayEvent(_ outTradeNo: String, fault: NotificationBuilder.Fault? = nil) throws -> String {
        let resource = builder.transaction(outTradeNo: outTradeNo, amount: 1999, openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        let (headers, body) = try builder.notification(eventType: "TRANSACTION.SUCCESS", resource: resource, fault: fault)
        return try JSONCoding.string(NotificationBuilder.envelope(headers: headers, body: body, style: "apigw-v2"))
    }
}

@Suite("webhook binary in Lambda mode, against a fake Runtime API", .serialized)
struct WebhookLambdaProcessTests {
    let webhook = Executables.path("webhook")

    @Test("several invocations, a stale one, a bad event; the secrets file is read anew for each invocation")
    func invocationsAndRotation() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (a, b) = (try Merchant(), try Merchant())
        try SandboxFiles.writeFile(scratch.file("secrets.json"), try a.secrets())
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let process = try Child.start(webhook, environment: [
            "AWS_LAMBDA_RUNTIME_API": fake.address, "WXPAY_SECRETS_FILE": scratch.file("secrets.json"),
            "WXPAY_EVENTS_FILE": scratch.file("events.ndjson"),
        ], logsIn: scratch.path)
        defer { process.terminate() }

        fake.enqueue(.init(json: try a.gatewayEvent("T-A-1"), requestID: "ok-1"),
                     .init(json: try a.gatewayEvent("T-A-2", fault: .stale), requestID: "stale"),
                     .init(json: "{not json", requestID: "garbage"),
                     .init(json: try a.gatewayEvent("T-A-3"), requestID: "ok-2"))
        let first = fake.waitForPosts(4)
        try #require(first.count == 4, "stderr: \(scratch.read("stderr"))")
        #expect(first.map(\.path) == [
            "/2018-06-01/runtime/invocation/ok-1/response", "/2018-06-01/runtime/invocation/stale/response",
            "/2018-06-01/runtime/invocation/garbage/error", "/2018-06-01/runtime/invocation/ok-2/response",
        ])
        #expect(try json(first[0])["statusCode"] == 200)
        #expect(try json(first[1])["statusCode"] == 401, "a stale notification is refused with 401")
        #expect(try json(first[2])["errorType"] == "NOT_JSON")
        #expect(try json(first[3])["statusCode"] == 200)
        #expect(try Set(json(first[0]).objectValue!.keys) == ["statusCode", "headers", "body"])

        // Rotate: the file now holds merchant B only. The running process must pick it up at once.
        try SandboxFiles.writeFile(scratch.file("secrets.json"), try b.secrets())
        fake.enqueue(.init(json: try b.gatewayEvent("T-B-1"), requestID: "rotated-new"),
                     .init(json: try a.gatewayEvent("T-A-4"), requestID: "rotated-old"))
        let all = fake.waitForPosts(6)
        try #require(all.count == 6, "stderr: \(scratch.read("stderr"))")
        #expect(try json(all[4])["statusCode"] == 200, "B's notification verifies with the re-read file")
        #expect(try json(all[5])["statusCode"] == 401, "A's key is gone from the file")
        #expect(process.isRunning, "one process served every invocation")

        let events = scratch.read("events.ndjson").split(separator: "\n")
        #expect(events.count == 3)
        #expect(events.map { $0.contains("T-A-1") || $0.contains("T-A-3") || $0.contains("T-B-1") } == [true, true, true])
    }

    @Test("the deadline header bounds a hung forward_url call: the answer is posted before Lambda's deadline")
    func deadlineBoundsOutgoingCalls() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let merchant = try Merchant()
        let hole = try BlackHole()
        try SandboxFiles.writeFile(scratch.file("secrets.json"),
                                   try merchant.secrets(forwardURL: "http://127.0.0.1:\(hole.port)/hooks/wxpay"))
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        // The function's own budget and forward timeout are generous: only the Lambda deadline can cut the call.
        let process = try Child.start(webhook, environment: [
            "AWS_LAMBDA_RUNTIME_API": fake.address, "WXPAY_SECRETS_FILE": scratch.file("secrets.json"),
            "WXPAY_TIME_BUDGET_MS": "20000", "WXPAY_FORWARD_TIMEOUT_MS": "20000",
        ], logsIn: scratch.path)
        defer { process.terminate() }

        let deadline = TestSockets.nowMillis() + 1_200
        fake.enqueue(.init(json: try merchant.gatewayEvent("T-D-1"), requestID: "hung", deadlineMillis: deadline))
        let post = try #require(fake.waitForPosts(1, timeout: 10).first, "stderr: \(scratch.read("stderr"))")
        let handout = try #require(fake.handouts.first)
        #expect(post.path == "/2018-06-01/runtime/invocation/hung/response")
        #expect(post.receivedAtMillis < deadline, "answered \(post.receivedAtMillis - deadline) ms after the deadline")
        #expect(post.receivedAtMillis - handout.atMillis >= 700, "the forward call did wait for the peer")
        let answer = try json(post)
        #expect(answer["statusCode"] == 500, "a failed hand-off answers 500 so WeChat Pay retries")
        #expect(try bodyObject(answer)["error"]?["code"] == "HANDOFF_FAILED")
    }

    @Test("/next failing at start: /runtime/init/error is posted and the process exits 70")
    func initError() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        fake.enqueue(.init(event: [], nextStatus: 500), .init(event: [], nextStatus: 500),
                     .init(event: [], nextStatus: 500))
        let process = try Child.start(webhook, ["--lambda"], environment: ["AWS_LAMBDA_RUNTIME_API": fake.address],
                                      logsIn: scratch.path)
        defer { if process.isRunning { process.terminate() } }
        #expect(Child.wait(process, timeout: 10) == 70)
        let post = try #require(fake.waitForPosts(1).first)
        #expect(post.path == "/2018-06-01/runtime/init/error")
        #expect(post.headers["lambda-runtime-function-error-type"] == "Unhandled")
        #expect(try json(post)["errorType"] == "RUNTIME_INIT_FAILED")
        #expect(fake.nextCalls == 3)
    }

    @Test("an unreachable Runtime API ends the process with 70 (Lambda restarts it)")
    func unreachable() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (fd, port) = try TestSockets.listen()
        close(fd)  // nothing listens there any more
        let process = try Child.start(webhook, environment: ["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:\(port)"],
                                      logsIn: scratch.path)
        defer { if process.isRunning { process.terminate() } }
        #expect(Child.wait(process, timeout: 10) == 70)
        #expect(scratch.read("stderr").contains("/next failed"))
    }

    @Test("--lambda without AWS_LAMBDA_RUNTIME_API is a usage error (64)")
    func missingAddress() throws {
        let result = try Child.run(webhook, ["--lambda"])
        #expect(result.status == 64)
    }
}
