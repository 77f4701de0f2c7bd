import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPaySandbox
import WxPayTestSupport

extension Merchant {
    /// A payment notification as Tencent Cloud SCF's API Gateway trigger delivers it.
    func scfEvent(_ outTradeNo: String, fault: NotificationBuilder.Fault? = nil) throws -> String {
        let resource = builder.transaction(outTradeNo: outTradeNo, amount: 1999, openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        let (headers, body) = try builder.notification(eventType: "TRANSACTION.SUCCESS", resource: resource, fault: fault)
        return try JSONCoding.string(NotificationBuilder.envelope(headers: headers, body: body, style: "scf-apigw"))
    }

    /// The secrets document as text.
    func secretsText() throws -> String { String(decoding: try secrets(), as: UTF8.self) }

    /// Values of the document that must never be printed.
    func secretValues() throws -> [String] {
        let doc = try JSONCoding.value(from: try secrets())
        let pem = doc["merchant_private_key"]?.stringValue ?? ""
        return pem.split(separator: "\n").filter { !$0.hasPrefix("-----") }.map(String.init) + [keys.apiV3Key]
    }
}

/// The same webhook binary as a Tencent Cloud SCF event function and as a Lambda reading its secrets through the
/// Parameters and Secrets extension: both rotate keys between invocations without a restart.
@Suite("webhook binary on SCF's custom runtime, and on Lambda with Secrets Manager (stand-ins)", .serialized)
struct PlatformProcessTests {
    let webhook = Executables.path("webhook")

    @Test("SCF: ready once, integration responses, a rotated file takes effect, bad events are error posts, no crash")
    func scfEventFunction() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (a, b) = (try Merchant(), try Merchant())
        try SandboxFiles.writeFile(scratch.file("secrets.json"), try a.secrets())
        let fake = try FakeRuntimeAPI(.scf)
        defer { fake.stop() }
        let process = try Child.start(webhook, environment: fake.scfEnvironment.merging([
            "WXPAY_SECRETS_URL": "file://" + scratch.file("secrets.json"),
            "WXPAY_EVENTS_FILE": scratch.file("events.ndjson"),
        ]) { $1 }, logsIn: scratch.path)
        defer { process.terminate() }

        fake.enqueue(.init(json: try a.scfEvent("T-A-1"), requestID: "scf-ok-1"),
                     .init(json: "{not json", requestID: "scf-garbage"),
                     .init(json: #"{"amount": 1}"#, requestID: "scf-direct"),
                     .init(json: try a.scfEvent("T-A-2", fault: .stale), requestID: "scf-stale"),
                     .init(json: try a.scfEvent("T-A-3"), requestID: "scf-ok-2"))
        let first = fake.waitForPosts(5)
        try #require(first.count == 5, "stderr: \(scratch.read("stderr"))")
        #expect(fake.readyPosts == 1 && fake.nextBeforeReady == 0, "ready is posted once, before the first /next")
        #expect(first.map(\.path) == ["/runtime/invocation/response", "/runtime/invocation/error",
                                      "/runtime/invocation/error", "/runtime/invocation/response",
                                      "/runtime/invocation/response"])
        #expect(try json(first[0])["statusCode"] == 200)
        #expect(try Set(json(first[0]).objectValue!.keys) == ["isBase64Encoded", "statusCode", "headers", "body"])
        #expect(try json(first[0])["isBase64Encoded"] == false)
        #expect(try json(first[1])["errorType"] == "NOT_JSON")
        #expect(try json(first[2])["errorType"] == "BAD_EVENT", "a direct object is not a notification")
        #expect(try json(first[3])["statusCode"] == 401, "a stale notification is refused with 401")
        #expect(try json(first[4])["statusCode"] == 200)

        try SandboxFiles.writeFile(scratch.file("secrets.json"), try b.secrets())
        fake.enqueue(.init(json: try b.scfEvent("T-B-1"), requestID: "scf-rotated-new"),
                     .init(json: try a.scfEvent("T-A-4"), requestID: "scf-rotated-old"))
        let all = fake.waitForPosts(7)
        try #require(all.count == 7, "stderr: \(scratch.read("stderr"))")
        #expect(try json(all[5])["statusCode"] == 200, "B's notification verifies with the re-read file")
        #expect(try json(all[6])["statusCode"] == 401, "A's key is gone from the file")
        #expect(process.isRunning, "one process served every invocation, the failed ones included")
        #expect(fake.readyPosts == 1)
        let logs = scratch.read("stderr")
        #expect(logs.contains("scf-ok-1"), "log lines carry SCF's request_id")
        let events = scratch.read("events.ndjson").split(separator: "\n")
        #expect(events.count == 3)
    }

    @Test("SCF: an unreachable runtime API ends the process with 70; a missing port is a usage error (64)")
    func scfStartFailures() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (fd, port) = try TestSockets.listen()
        close(fd)
        let process = try Child.start(webhook, environment: ["SCF_RUNTIME_API": "127.0.0.1",
                                                             "SCF_RUNTIME_API_PORT": String(port)],
                                      logsIn: scratch.path)
        defer { if process.isRunning { process.terminate() } }
        #expect(Child.wait(process, timeout: 10) == 70)
        #expect(try Child.run(webhook, environment: ["SCF_RUNTIME_API": "127.0.0.1"]).status == 64)
        #expect(try Child.run(webhook, ["--scf"]).status == 64)
    }

    @Test("CLI: the secrets contract holds for the new sources: exit 78, a stable code, no value, no token")
    func cliExitStatuses() throws {
        let merchant = try Merchant()
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        let resource = merchant.builder.transaction(outTradeNo: "T-CLI-1", amount: 1999, openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        let (headers, body) = try merchant.builder.notification(eventType: "TRANSACTION.SUCCESS", resource: resource)
        let event = try JSONCoding.string(NotificationBuilder.envelope(headers: headers, body: body))
        let base = ext.environment.merging(["WXPAY_SECRETS_URL": "aws-secretsmanager://prod/wxpay"]) { $1 }

        ext.setSecret("prod/wxpay", try merchant.secretsText())
        let ok = try Child.run(webhook, stdin: event, environment: base)
        #expect(ok.status == 0, "stderr: \(ok.stderr)")

        ext.fail(with: CannedResponse(status: 503, body: Array("\(try merchant.secretsText()) \(ext.token)".utf8)))
        let down = try Child.run(webhook, stdin: event, environment: base)
        ext.fail(with: nil)
        let refused = try Child.run(webhook, stdin: event, environment: base.merging(["AWS_SESSION_TOKEN": "x"]) { $1 })
        let badURL = try Child.run(webhook, stdin: event, environment: ["WXPAY_SECRETS_URL": "s3://bucket/secrets.json"])
        for (run, code) in [(down, "SECRETS_UNAVAILABLE"), (refused, "SECRETS_UNAVAILABLE"), (badURL, "SECRETS_SOURCE_INVALID")] {
            #expect(run.status == 78, "stderr: \(run.stderr)")
            #expect(try bodyObject(JSONCoding.value(from: run.stdout))["error"]?["code"] == .string(code))
            let printed = String(decoding: run.stdout, as: UTF8.self) + run.stderr
            for value in try merchant.secretValues() { #expect(!printed.contains(value), "a secret value was printed") }
            #expect(!printed.contains(ext.token), "the session token was printed")
        }
    }

    @Test("Lambda + Secrets Manager through the extension: rotation on the next invocation, failures never printed")
    func lambdaWithSecretsManager() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let (a, b) = (try Merchant(), try Merchant())
        let ext = try FakeSecretsExtension()
        defer { ext.stop() }
        ext.setSecret("prod/wxpay", try a.secretsText())
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let process = try Child.start(webhook, environment: ext.environment.merging([
            "AWS_LAMBDA_RUNTIME_API": fake.address, "WXPAY_SECRETS_URL": "aws-secretsmanager://prod/wxpay",
            "WXPAY_SECRETS_FILE": scratch.file("absent.json"), "WXPAY_EVENTS_FILE": scratch.file("events.ndjson"),
        ]) { $1 }, logsIn: scratch.path)
        defer { process.terminate() }

        fake.enqueue(.init(json: try a.gatewayEvent("T-A-1"), requestID: "sm-1"),
                     .init(json: try a.gatewayEvent("T-A-2"), requestID: "sm-2"))
        let first = fake.waitForPosts(2)
        try #require(first.count == 2, "stderr: \(scratch.read("stderr"))")
        #expect(try first.map { try json($0)["statusCode"] } == [200, 200])
        #expect(ext.received.count == 2, "one extension request per invocation (no cache in the function)")

        ext.setSecret("prod/wxpay", try b.secretsText())  // rotation
        fake.enqueue(.init(json: try b.gatewayEvent("T-B-1"), requestID: "sm-rotated-new"),
                     .init(json: try a.gatewayEvent("T-A-3"), requestID: "sm-rotated-old"))
        let rotated = fake.waitForPosts(4)
        try #require(rotated.count == 4, "stderr: \(scratch.read("stderr"))")
        #expect(try json(rotated[2])["statusCode"] == 200, "B's notification verifies with the rotated secret")
        #expect(try json(rotated[3])["statusCode"] == 401, "A's key is gone")
        #expect(ext.received.allSatisfy { $0.headers["x-aws-parameters-secrets-token"] == ext.token })

        // The extension fails, echoing the secret and the token in its body: the invocation is answered with 503
        // and SECRETS_UNAVAILABLE, and nothing secret reaches the answer or the logs.
        ext.fail(with: CannedResponse(status: 500, body: Array("\(try b.secretsText()) \(ext.token)".utf8)))
        fake.enqueue(.init(json: try b.gatewayEvent("T-B-2"), requestID: "sm-down"))
        let down = fake.waitForPosts(5)
        try #require(down.count == 5, "stderr: \(scratch.read("stderr"))")
        #expect(down[4].path == "/2018-06-01/runtime/invocation/sm-down/response")
        #expect(try json(down[4])["statusCode"] == 503)
        #expect(try bodyObject(json(down[4]))["error"]?["code"] == "SECRETS_UNAVAILABLE")
        ext.fail(with: nil)
        fake.enqueue(.init(json: try b.gatewayEvent("T-B-3"), requestID: "sm-back"))
        let back = fake.waitForPosts(6)
        try #require(back.count == 6)
        #expect(try json(back[5])["statusCode"] == 200, "the next invocation succeeds again")
        #expect(process.isRunning)

        let printed = scratch.read("stderr") + scratch.read("stdout") + down.map(\.bodyText).joined()
        for value in try a.secretValues() + b.secretValues() {
            #expect(!printed.contains(value), "a secret value was printed")
        }
        #expect(!printed.contains(ext.token), "the session token was printed")
    }
}
