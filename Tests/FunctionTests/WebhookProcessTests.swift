import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayCrypto
import WxPaySandbox
import WxPayTestSupport

/// The built `webhook` executable, run as a process per event (docs/functions.md), with secrets from a fresh key set.
@Suite("webhook process")
struct WebhookProcessTests {
    static let keys: SandboxKeySet = {
        do { return try SandboxKeySet.generate() } catch { fatalError("key generation failed: \(error)") }
    }()
    static let rotatedKeys: SandboxKeySet = {
        do { return try SandboxKeySet.generate() } catch { fatalError("key generation failed: \(error)") }
    }()
    static let forwardSecret = "fwd_9dXk2LqP7wZr4TnB8vHc3JmY"

    /// One test's world: a temp dir with `secrets.json`, an events file path, and the webhook runner.
    struct World {
        let dir: TemporaryDirectory
        var secretsPath: String { dir.path + "/secrets.json" }
        var eventsPath: String { dir.path + "/events.ndjson" }

        init(_ secrets: JSONValue) throws {
            dir = try TemporaryDirectory(prefix: "wxpay-fn-tests")
            try write(secrets)
        }

        /// Replaces the secrets file atomically (as an operator rotating keys would).
        func write(_ secrets: JSONValue) throws {
            try SandboxFiles.writeFile(secretsPath, JSONCoding.encode(secrets))
        }

        func environment(events: Bool = true, extra: [String: String] = [:]) -> [String: String] {
            var env = ["PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": secretsPath, "LOG_LEVEL": "debug"]
            if events { env["WXPAY_EVENTS_FILE"] = eventsPath }
            return env.merging(extra) { _, new in new }
        }

        /// Runs `webhook` on `event` and checks the log contract on every run.
        func webhook(_ event: [UInt8], arguments: [String] = [], environment: [String: String]? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult
        {
            let result = try runProcess(Executables.path("webhook"), arguments, stdin: event,
                                 environment: environment ?? self.environment())
            WebhookProcessTests.expectCleanStderr(result, sourceLocation: sourceLocation)
            return result
        }

        func webhook(_ event: JSONValue, environment: [String: String]? = nil,
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult
        {
            try webhook(try JSONCoding.encode(event), environment: environment, sourceLocation: sourceLocation)
        }

        /// The events handed on through `WXPAY_EVENTS_FILE`.
        var events: [JSONValue] {
            get throws {
                guard let bytes = dir.read("events.ndjson") else { return [] }
                return try String(decoding: bytes, as: UTF8.self).split(separator: "\n")
                    .map { try JSONCoding.value(from: Array($0.utf8)) }
            }
        }
    }

    /// stderr holds only JSON lines and never a secret (docs/functions.md).
    static func expectCleanStderr(_ result: ProcessResult, sourceLocation: SourceLocation) {
        for line in result.stderrLines {
            let parsed = try? JSONCoding.value(from: Array(line.utf8))
            #expect(parsed?.objectValue != nil, "stderr line is not a JSON object: \(line)", sourceLocation: sourceLocation)
        }
        let everything = result.stderr + result.stdoutText
        for secret in [keys.apiV3Key, rotatedKeys.apiV3Key, forwardSecret] {
            #expect(!everything.contains(secret), "output contains a secret", sourceLocation: sourceLocation)
        }
        #expect(!result.stderr.contains("-----BEGIN"), "stderr contains PEM text", sourceLocation: sourceLocation)
        #expect(!everything.contains("PRIVATE KEY"), "output contains a private key", sourceLocation: sourceLocation)
    }

    static func secrets(_ keys: SandboxKeySet = keys, mode: SandboxKeySet.VerificationMode = .publicKey,
                        forwardURL: String? = nil, pkcs1: Bool = false) throws -> JSONValue
    {
        try keys.secretsFile(mode: mode, forwardURL: forwardURL, forwardSecret: forwardURL.map { _ in forwardSecret },
                             pkcs1: pkcs1)
    }

    /// A signed, encrypted TRANSACTION.SUCCESS as an envelope of `style`.
    static func notification(
        _ keys: SandboxKeySet = keys, mode: SandboxKeySet.VerificationMode = .publicKey, style: String = "plain",
        fault: NotificationBuilder.Fault? = nil, outTradeNo: String = "AK-PROC-1", idempotencyKey: String = "thread-9"
    ) throws -> JSONValue {
        let builder = NotificationBuilder(side: keys.wechatSide(mode: mode))
        let resource = builder.transaction(outTradeNo: outTradeNo, amount: 1999, openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                                           attach: AttachCodec.encode(idempotencyKey: idempotencyKey, data: nil))
        let n = try builder.notification(eventType: "TRANSACTION.SUCCESS", resource: resource, fault: fault)
        return NotificationBuilder.envelope(headers: n.headers, body: n.body, style: style)
    }

    /// The parsed answer body of an HTTP answer.
    static func body(_ answer: JSONValue) throws -> JSONValue {
        let text = try #require(answer["body"]?.stringValue, "no body in \(answer)")
        return try JSONCoding.value(from: Array(text.utf8))
    }

    // MARK: Accepted

    @Test("plain envelope, each verification mode: 200 SUCCESS and the event in the answer",
          arguments: SandboxKeySet.VerificationMode.allCases)
    func acceptedPlain(_ mode: SandboxKeySet.VerificationMode) throws {
        let world = try World(Self.secrets(mode: mode))
        defer { world.dir.remove() }
        let signingMode: SandboxKeySet.VerificationMode = mode == .both ? .certificate : mode
        let result = try world.webhook(Self.notification(mode: signingMode), environment: world.environment(events: false))
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = try result.json()
        #expect(answer["statusCode"] == 200)
        #expect(try Self.body(answer)["code"] == "SUCCESS")
        let event = try #require(answer["event"])
        #expect(event["type"] == "payment.success")
        #expect(event["wechat_event_type"] == "TRANSACTION.SUCCESS")
        #expect(event["out_trade_no"] == "AK-PROC-1")
        #expect(event["idempotency_key"] == "thread-9")
        #expect(event["amount"] == 1999)
        #expect(event["currency"] == "CNY")
        #expect(event["payer_openid"] == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o")
        #expect(event["resource"]?["mchid"] == .string(Self.keys.mchid))
        #expect(result.stdout.last == 0x0A, "stdout is newline-terminated")
    }

    @Test("each refund notification made by wxpay-simulate: its own event type, the refund's fields and a risk score",
          arguments: [("REFUND.SUCCESS", "refund.success", "SUCCESS"), ("REFUND.ABNORMAL", "refund.abnormal", "ABNORMAL"),
                      ("REFUND.CLOSED", "refund.closed", "CLOSED")])
    func refundNotifications(_ wechatType: String, _ type: String, _ status: String) throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let sandbox = world.dir.path + "/sandbox.json"
        try SandboxFiles.writeFile(sandbox, JSONCoding.encode(Self.keys.sandboxFile(mode: .publicKey)))
        let made = try runProcess(Executables.path("wxpay-simulate"), [
            "notify", "--sandbox", sandbox, "--event-type", wechatType, "--out-trade-no", "AK-REFUND-1",
            "--amount", "300", "--total", "1000",
        ], environment: ["PATH": "/usr/bin:/bin"])
        #expect(made.status == 0, "\(made)")
        let result = try world.webhook(Array(made.stdout))
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = try result.json()
        #expect(answer["statusCode"] == 200)
        let event = try #require(answer["event"], "\(answer)")
        #expect(event["type"] == .string(type))
        #expect(event["wechat_event_type"] == .string(wechatType))
        #expect(event["out_trade_no"] == "AK-REFUND-1")
        #expect(event["out_refund_no"] == "RFAK-REFUND-1")
        #expect(event["refund_id"]?.stringValue?.isEmpty == false)
        #expect(event["refund_status"] == .string(status))
        #expect(event["amount"] == 300, "a refund event's amount is the refund, not the order total")
        #expect(event["total_amount"] == 1000)
        #expect(event["currency"] == "CNY")
        #expect(event["payer_openid"] == nil && event["trade_state"] == nil, "no payment fields on a refund event")
        let risk = try #require(event["risk"], "refund events carry a risk decision: \(event)")
        #expect(risk["score"]?.intValue.map { (0...100).contains($0) } == true, "\(risk)")
        #expect(["approve", "review", "block"].contains(risk["action"]?.stringValue ?? ""), "\(risk)")
        #expect(risk["reasons"]?.arrayValue != nil, "\(risk)")
        // Handed on as the same event.
        #expect(try world.events.map { $0["type"] } == [.string(type)])
        #expect(try world.events.first?["out_refund_no"] == "RFAK-REFUND-1")
    }

    @Test("API Gateway v1 and v2: exactly statusCode/headers/body, the event appended to WXPAY_EVENTS_FILE",
          arguments: ["apigw-v1", "apigw-v2"])
    func acceptedGateway(_ style: String) throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let envelope = try Self.notification(style: style)
        let result = try world.webhook(envelope)
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        let answer = try result.json()
        #expect(Set(answer.objectValue?.keys ?? [:].keys) == ["statusCode", "headers", "body"])
        #expect(answer["statusCode"] == 200)
        #expect(try Self.body(answer)["code"] == "SUCCESS")
        let events = try world.events
        #expect(events.count == 1)
        let notificationID = try JSONCoding.value(from: Array(try #require(envelope["body"]?.stringValue).utf8))["id"]
        #expect(events.first?["id"] == notificationID)
        #expect(events.first?["type"] == "payment.success")
        #expect(events.first?["idempotency_key"] == "thread-9")
    }

    @Test("plain envelope with WXPAY_EVENTS_FILE: the same event in the answer and in the file")
    func plainAlsoAppends() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let answer = try world.webhook(Self.notification()).json()
        #expect(answer["statusCode"] == 200)
        #expect(try world.events == [try #require(answer["event"])])
    }

    @Test("behind API Gateway with no hand-off configured the event is not acknowledged (500)")
    func gatewayWithoutHandoff() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let result = try world.webhook(Self.notification(style: "apigw-v2"), environment: world.environment(events: false))
        #expect(result.status != 0)
        let answer = try result.json()
        #expect(answer["statusCode"] == 500)
        #expect(try Self.body(answer)["error"]?["code"] == "HANDOFF_NOT_CONFIGURED")
    }

    @Test("a PKCS#1 merchant key in the secrets file works")
    func pkcs1MerchantKey() throws {
        let world = try World(Self.secrets(pkcs1: true))
        defer { world.dir.remove() }
        let result = try world.webhook(Self.notification())
        #expect(result.status == 0, "\(result.stdoutText)")
    }

    @Test("--event FILE reads the event from a file instead of stdin")
    func eventFile() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let path = world.dir.path + "/event.json"
        try SandboxFiles.writeFile(path, JSONCoding.encode(Self.notification()))
        let result = try world.webhook([], arguments: ["--event", path])
        #expect(result.status == 0, "\(result.stdoutText)")
        #expect(try result.json()["event"]?["out_trade_no"] == "AK-PROC-1")
        #expect(try world.events.count == 1)
    }

    // MARK: The rejection table (docs/functions.md#webhook), as processes

    static let rejections: [(NotificationBuilder.Fault, String)] = [
        (.unsigned, "SIGNATURE_MISSING"), (.tampered, "SIGNATURE_INVALID"), (.wrongKey, "SIGNATURE_INVALID"),
        (.unknownSerial, "UNKNOWN_SERIAL"), (.stale, "TIMESTAMP_OUT_OF_WINDOW"), (.probe, "SIGNATURE_PROBE"),
        (.unsupportedSignatureType, "SIGNATURE_TYPE_UNSUPPORTED"), (.undecryptable, "DECRYPTION_FAILED"),
        (.otherMerchant, "MERCHANT_MISMATCH"),
    ]

    @Test("every rejection: exit 77, HTTP 401, its code, nothing appended and nothing forwarded",
          arguments: rejections.map { ($0.0.rawValue, $0.1) })
    func rejected(_ fault: String, _ code: String) throws {
        #expect(Set(Self.rejections.map(\.0)) == Set(NotificationBuilder.Fault.allCases))
        let listener = try RecordingHTTPServer()
        defer { listener.stop() }
        let world = try World(Self.secrets(mode: .both, forwardURL: listener.url(path: "/hooks/wxpay")))
        defer { world.dir.remove() }
        for (style, mode) in [("plain", SandboxKeySet.VerificationMode.publicKey), ("apigw-v1", .certificate),
                              ("apigw-v2", .publicKey)] {
            let envelope = try Self.notification(mode: mode, style: style, fault: NotificationBuilder.Fault(rawValue: fault))
            let result = try world.webhook(envelope)
            #expect(result.status == 77, "\(style)")
            let answer = try result.json()
            #expect(answer["statusCode"] == 401, "\(style)")
            #expect(answer["event"] == nil)
            let body = try Self.body(answer)
            #expect(body["error"]?["code"] == .string(code), "\(style)")
            #expect(body["code"] == "FAIL", "WeChat reads {code, message}")
            #expect(body["message"]?.stringValue?.isEmpty == false)
        }
        #expect(try world.events.isEmpty, "no event may be handed on")
        #expect(listener.requests.isEmpty, "nothing may be forwarded")
    }

    @Test("a body over 64 KiB is 413 (exit 65); a body that is not JSON is 400 NOT_JSON (exit 65)")
    func sizeAndSyntax() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let big = NotificationBuilder.envelope(headers: [("Content-Type", "application/json")],
                                               body: Array(#"{"pad":""#.utf8) + [UInt8](repeating: 0x61, count: 64 * 1024)
                                                   + Array(#""}"#.utf8))
        let r1 = try world.webhook(big)
        #expect(r1.status == 65)
        #expect(try r1.json()["statusCode"] == 413)
        #expect(try Self.body(r1.json())["error"]?["code"] == "EVENT_TOO_LARGE")

        let garbage = NotificationBuilder.envelope(headers: [("Content-Type", "application/json")],
                                                   body: Array("<xml><return_code>SUCCESS</return_code></xml>".utf8))
        let r2 = try world.webhook(garbage)
        #expect(r2.status == 65)
        #expect(try r2.json()["statusCode"] == 400)
        #expect(try Self.body(r2.json())["error"]?["code"] == "NOT_JSON")

        let r3 = try world.webhook(Array("not even an envelope".utf8))
        #expect(r3.status == 65)
        #expect(try r3.json()["error"]?["code"] == "NOT_JSON")
        #expect(try world.events.isEmpty)
    }

    @Test("a GET through API Gateway is 405, nothing handed on")
    func methodNotAllowed() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        var o = try #require(try Self.notification(style: "apigw-v1").objectValue, "the apigw-v1 event is not an object")
        o["httpMethod"] = "GET"
        let result = try world.webhook(.object(o))
        #expect(result.status == 65)
        let answer = try result.json()
        #expect(answer["statusCode"] == 405)
        #expect(try Self.body(answer)["error"]?["code"] == "METHOD_NOT_ALLOWED")
        #expect(try world.events.isEmpty)
    }

    // MARK: Hand-off

    @Test("an events file that cannot be written: 500 HANDOFF_FAILED, exit 69, so WeChat retries")
    func eventsFileFailure() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let env = world.environment(extra: ["WXPAY_EVENTS_FILE": world.dir.path + "/no-such-dir/events.ndjson"])
        for style in ["plain", "apigw-v2"] {
            let result = try world.webhook(Self.notification(style: style), environment: env)
            #expect(result.status == 69, "\(style)")
            let answer = try result.json()
            #expect(answer["statusCode"] == 500)
            #expect(answer["event"] == nil, "an unacknowledged event is not handed on in the answer either")
            #expect(try Self.body(answer)["error"]?["code"] == "HANDOFF_FAILED")
            #expect(try Self.body(answer)["error"]?["retryable"] == true)
        }
    }

    @Test("forward_url to a closed port: 500 HANDOFF_FAILED, exit 69")
    func forwardFailure() throws {
        let port = try RecordingHTTPServer.closedPort()
        let world = try World(Self.secrets(forwardURL: "http://127.0.0.1:\(port)/hooks"))
        defer { world.dir.remove() }
        let result = try world.webhook(Self.notification(style: "apigw-v1"), environment: world.environment(events: false))
        #expect(result.status == 69)
        let answer = try result.json()
        #expect(answer["statusCode"] == 500)
        #expect(try Self.body(answer)["error"]?["code"] == "HANDOFF_FAILED")
    }

    @Test("forward_url answering 5xx: 500 HANDOFF_FAILED, exit 69")
    func forwardRefused() throws {
        let listener = try RecordingHTTPServer(answering: [503])
        defer { listener.stop() }
        let world = try World(Self.secrets(forwardURL: listener.url(path: "/hooks/wxpay")))
        defer { world.dir.remove() }
        let result = try world.webhook(Self.notification(style: "apigw-v2"), environment: world.environment(events: false))
        #expect(result.status == 69)
        #expect(try Self.body(result.json())["error"]?["code"] == "HANDOFF_FAILED")
        #expect(listener.requests.count == 1)
    }

    @Test("forward_url: one POST of the event, signed with Wxpay-Agent-Signature")
    func forwardSuccess() throws {
        let listener = try RecordingHTTPServer()
        defer { listener.stop() }
        let world = try World(Self.secrets(forwardURL: listener.url(path: "/hooks/wxpay")))
        defer { world.dir.remove() }
        let before = System.unixTime()
        let result = try world.webhook(Self.notification(style: "apigw-v2"), environment: world.environment(events: false))
        #expect(result.status == 0, "\(result.stdoutText) \(result.stderr)")
        #expect(try result.json()["statusCode"] == 200)
        let requests = listener.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST")
        #expect(request.path == "/hooks/wxpay")
        #expect(request.headers["content-type"] == "application/json")
        let signature = try #require(request.headers["wxpay-agent-signature"])
        #expect(ForwardSignature.verify(header: signature, secret: Array(Self.forwardSecret.utf8), body: request.body,
                                        now: System.unixTime()))
        #expect(!ForwardSignature.verify(header: signature, secret: Array("another-forward-secret".utf8),
                                         body: request.body, now: System.unixTime()))
        let t = signature.split(separator: ",").first.flatMap { Int64($0.dropFirst(2)) } ?? 0
        #expect(t >= before - 1 && t <= System.unixTime() + 1)
        let event = try JSONCoding.value(from: request.body)
        #expect(event["type"] == "payment.success")
        #expect(event["out_trade_no"] == "AK-PROC-1")
    }

    // MARK: Key rotation

    @Test("rotation: a notification signed with the new key is refused before the file changes and accepted after",
          arguments: [SandboxKeySet.VerificationMode.publicKey, .certificate])
    func rotation(_ mode: SandboxKeySet.VerificationMode) throws {
        let old = Self.keys, new = Self.rotatedKeys
        let world = try World(Self.secrets(old, mode: mode))
        defer { world.dir.remove() }
        // WeChat Pay starts signing with the new platform key; the APIv3 key stays the merchant's own.
        var side = new.wechatSide(mode: mode)
        side.apiV3Key = old.apiV3Key
        side.mchid = old.mchid
        side.appid = old.appid
        let builder = NotificationBuilder(side: side)
        let n = try builder.notification(eventType: "TRANSACTION.SUCCESS",
                                         resource: builder.transaction(outTradeNo: "AK-ROT", amount: 1, openid: "o"))
        let event = try JSONCoding.encode(NotificationBuilder.envelope(headers: n.headers, body: n.body, style: "apigw-v2"))

        let before = try world.webhook(event)
        #expect(before.status == 77)
        #expect(try Self.body(before.json())["error"]?["code"] == "UNKNOWN_SERIAL")
        #expect(try world.events.isEmpty)

        // The operator adds the new key next to the old one (atomic rename); nothing else changes.
        var o = try #require(try Self.secrets(old, mode: mode).objectValue, "the secrets fixture is not an object")
        if mode == .certificate {
            o["wechatpay_certificates"] = .object([
                old.platformCertificate.serialNumber: .string(try old.platformCertificate.pem()),
                new.platformCertificate.serialNumber: .string(try new.platformCertificate.pem()),
            ])
        } else {
            o["wechatpay_public_keys"] = .object([
                old.publicKeyID: .string(try old.platformKey.publicKey.pem()),
                new.publicKeyID: .string(try new.platformKey.publicKey.pem()),
            ])
        }
        try world.write(.object(o))

        let after = try world.webhook(event)
        #expect(after.status == 0, "\(after.stdoutText)")
        #expect(try after.json()["statusCode"] == 200)
        #expect(try world.events.count == 1)
        #expect(try world.events.first?["out_trade_no"] == "AK-ROT")
        // And the old key still verifies during the rotation.
        #expect(try world.webhook(Self.notification(old, mode: mode, style: "apigw-v2")).status == 0)
    }

    // MARK: Secrets

    @Test("secrets missing: 78 SECRETS_NOT_FOUND, as an HTTP 500 inside the envelope")
    func secretsMissing() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let env = world.environment(extra: ["WXPAY_SECRETS_FILE": world.dir.path + "/absent.json"])
        let result = try world.webhook(Self.notification(), environment: env)
        #expect(result.status == 78)
        let answer = try result.json()
        #expect(answer["statusCode"] == 500)
        #expect(try Self.body(answer)["error"]?["code"] == "SECRETS_NOT_FOUND")
        #expect(try world.events.isEmpty)
    }

    @Test("secrets invalid: 78 SECRETS_INVALID naming the field, never its value")
    func secretsInvalid() throws {
        var o = try #require(try Self.secrets().objectValue, "the secrets fixture is not an object")
        o["apiv3_key"] = .string(String(Self.keys.apiV3Key.prefix(31)))
        let world = try World(.object(o))
        defer { world.dir.remove() }
        let result = try world.webhook(Self.notification())
        #expect(result.status == 78)
        let error = try Self.body(result.json())["error"]
        #expect(error?["code"] == "SECRETS_INVALID")
        #expect(error?["field"] == "apiv3_key")
        #expect(!result.stdoutText.contains(String(Self.keys.apiV3Key.prefix(31))))
    }

    // MARK: Command line

    @Test("--help and --version exit 0; a bad flag is a usage error (64)")
    func commandLine() throws {
        let world = try World(Self.secrets())
        defer { world.dir.remove() }
        let help = try world.webhook([], arguments: ["--help"])
        #expect(help.status == 0)
        #expect(help.stdoutText.contains("webhook"))
        #expect(help.stdoutText.contains("USAGE"))
        #expect(help.stdoutText.contains("--event"))

        let version = try world.webhook([], arguments: ["--version"])
        #expect(version.status == 0)
        #expect(version.stdoutText.hasPrefix("webhook "))

        let bad = try world.webhook([], arguments: ["--no-such-flag"])
        #expect(bad.status == 64)
        #expect(try bad.json()["error"]?["code"] == "USAGE")

        let missing = try world.webhook([], arguments: ["--event", world.dir.path + "/absent.json"])
        #expect(missing.status == 64)
        #expect(try missing.json()["error"] != nil)
    }
}
