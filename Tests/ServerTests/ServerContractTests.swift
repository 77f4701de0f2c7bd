import Foundation
import KitCore
import Synchronization
import Testing
import WxPayCore
import WxPayCrypto
import WxPayHTTP
import WxPaySandbox
import WxPayTestSupport

/// The built `wxpay-server` as a process (docs/server.md): the webhook answered as the `webhook` function answers
/// behind API Gateway, the payment routes against a `wxpay-emulator` process, bearer tokens, the secrets re-read per
/// request, NDJSON streaming, metrics and the request log.
@Suite("wxpay-server as a process", .serialized)
struct ServerContractTests {
    static let keys: SandboxKeySet = {
        do { return try SandboxKeySet.generate() } catch { fatalError("key generation failed: \(error)") }
    }()
    static let rotatedKeys: SandboxKeySet = {
        do { return try SandboxKeySet.generate() } catch { fatalError("key generation failed: \(error)") }
    }()
    static let token = "srv_tok_3fK9pQ2xW7mZ4vB8"
    static let rotatedToken = "srv_tok_rot_8Hd2Lq5Xe1Pz"

    /// One test's files: `secrets.json` (with `server_tokens`) and the events file.
    struct World {
        let dir: TemporaryDirectory
        var secretsPath: String { dir.file("secrets.json") }
        var eventsPath: String { dir.file("events.ndjson") }

        init(_ keys: SandboxKeySet = ServerContractTests.keys, tokens: [String] = [ServerContractTests.token],
             edit: (inout [String: JSONValue]) -> Void = { _ in }) throws
        {
            dir = try TemporaryDirectory(prefix: "wxpay-server-tests")
            try write(keys, tokens: tokens, edit: edit)
        }

        /// Writes the secrets file as an operator rotating it would: a new file renamed over the old one.
        func write(_ keys: SandboxKeySet, tokens: [String], edit: (inout [String: JSONValue]) -> Void = { _ in }) throws {
            var secrets = try keys.secretsFile(mode: .publicKey).objectValue ?? [:]
            secrets["server_tokens"] = .array(tokens.map { .string($0) })
            edit(&secrets)
            try SandboxFiles.writeFile(secretsPath, JSONCoding.encode(JSONValue.object(secrets)))
        }

        func environment(events: Bool = true) -> [String: String] {
            var env = ["PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": secretsPath]
            if events { env["WXPAY_EVENTS_FILE"] = eventsPath }
            return env
        }

        var events: [JSONValue] {
            dir.readText("events.ndjson").split(separator: "\n").compactMap { try? JSONCoding.value(from: Array($0.utf8)) }
        }
    }

    /// A signed TRANSACTION.SUCCESS: its wire headers and body.
    static func notification(_ keys: SandboxKeySet = keys, fault: NotificationBuilder.Fault? = nil,
                             outTradeNo: String = "AK-SRV-1") throws -> (headers: [(name: String, value: String)], body: [UInt8])
    {
        let builder = NotificationBuilder(side: keys.wechatSide(mode: .publicKey))
        let resource = builder.transaction(outTradeNo: outTradeNo, amount: 1999, openid: "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o",
                                           attach: AttachCodec.encode(idempotencyKey: "thread-srv", data: nil))
        let n = try builder.notification(eventType: "TRANSACTION.SUCCESS", resource: resource, fault: fault)
        return (n.headers, n.body)
    }

    /// What the `webhook` executable answers for the same notification in an API Gateway 2.0 envelope.
    static func webhookFunctionAnswer(headers: [(name: String, value: String)], body: [UInt8],
                                      environment: [String: String]) throws -> JSONValue
    {
        let envelope = NotificationBuilder.envelope(headers: headers, body: body, style: "apigw-v2")
        let result = try runProcess(Executables.require("webhook"), stdin: JSONCoding.encode(envelope),
                                    environment: environment)
        return try result.json()
    }

    // MARK: POST /webhook

    @Test("POST /webhook: accepted as the webhook function accepts it behind API Gateway, the event handed on")
    func webhookAccepted() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment())
        let n = try Self.notification()
        let answer = try server.send("POST", "/webhook", headers: n.headers, body: n.body)
        #expect(answer.status == 200, "\(answer.text)")
        #expect(answer.header("content-type") == "application/json")
        #expect(answer.json == ["code": "SUCCESS", "message": "成功"], "only WeChat's answer, no event: \(answer.text)")
        let events = world.events
        #expect(events.count == 1)
        #expect(events.first?["out_trade_no"] == "AK-SRV-1")
        #expect(events.first?["risk"]?["action"] != nil)

        // The webhook executable, given the same notification behind API Gateway, answers the same.
        let other = try Self.notification(outTradeNo: "AK-SRV-2")
        let function = try Self.webhookFunctionAnswer(headers: other.headers, body: other.body,
                                                      environment: world.environment())
        #expect(function["statusCode"] == 200)
        #expect(function["body"]?.stringValue.flatMap { try? JSONCoding.value(from: Array($0.utf8)) } == answer.json)
        let result = server.stop()
        #expect(result.status == 0, "\(result)")
    }

    @Test("POST /webhook: refusals carry the webhook's status and WeChat-shaped body, same as the function",
          arguments: [NotificationBuilder.Fault.tampered, .stale, .unknownSerial, .probe])
    func webhookRefused(_ fault: NotificationBuilder.Fault) throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment())
        let n = try Self.notification(fault: fault)
        let answer = try server.send("POST", "/webhook", headers: n.headers, body: n.body)
        let function = try Self.webhookFunctionAnswer(headers: n.headers, body: n.body, environment: world.environment())
        #expect(answer.status == 401, "\(answer.text)")
        #expect(function["statusCode"] == .int(Int64(answer.status)))
        let body = try #require(answer.json)
        #expect(body["code"] == "FAIL")
        let code = try #require(body["error"]?["code"]?.stringValue)
        let functionBody = function["body"]?.stringValue.flatMap { try? JSONCoding.value(from: Array($0.utf8)) }
        #expect(functionBody?["error"]?["code"] == .string(code))
        #expect(world.events.isEmpty)
        let metrics = try server.send("GET", "/metrics").text
        #expect(metrics.contains(#"wxpay_server_notifications_total{outcome="rejected",code="\#(code)"} 1"#), "\(metrics)")
    }

    @Test("POST /webhook with no hand-off configured: 500 HANDOFF_NOT_CONFIGURED, as behind API Gateway")
    func webhookWithoutHandoff() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment(events: false))
        let n = try Self.notification()
        let answer = try server.send("POST", "/webhook", headers: n.headers, body: n.body)
        #expect(answer.status == 500)
        #expect(answer.json?["error"]?["code"] == "HANDOFF_NOT_CONFIGURED")
        let metrics = try server.send("GET", "/metrics").text
        #expect(metrics.contains(#"wxpay_server_notifications_total{outcome="handoff_failed",code="HANDOFF_NOT_CONFIGURED"} 1"#),
                "\(metrics)")
    }

    @Test("POST /webhook forwards to forward_url, signed; a dead forward_url answers 500 HANDOFF_FAILED")
    func webhookForward() throws {
        let receiver = try RecordingHTTPServer(answering: [200, 503, 503, 503, 503, 503])
        let world = try World { secrets in
            secrets["forward_url"] = .string(receiver.url(path: "/events"))
            secrets["forward_secret"] = "fwd_9dXk2LqP7wZr4TnB8vHc3JmY"
        }
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment(events: false))
        let n = try Self.notification()
        let answer = try server.send("POST", "/webhook", headers: n.headers, body: n.body)
        #expect(answer.status == 200, "\(answer.text)")
        let received = receiver.wait(for: 1)
        #expect(received.first?.path == "/events")
        #expect(received.first?.header("wxpay-agent-signature") != nil)
        let event = received.first.flatMap { try? JSONCoding.value(from: $0.body) }
        #expect(event?["out_trade_no"] == "AK-SRV-1")

        let again = try Self.notification(outTradeNo: "AK-SRV-3")
        let failed = try server.send("POST", "/webhook", headers: again.headers, body: again.body)
        #expect(failed.status == 500, "\(failed.text)")
        #expect(failed.json?["error"]?["code"] == "HANDOFF_FAILED")
    }

    /// Sends `notifications` to `server` all at once, each from a thread of its own; the answers in order.
    static func sendAtOnce(_ server: ServerProcess, _ notifications: [(headers: [(name: String, value: String)], body: [UInt8])])
        -> [HTTPResponse?]
    {
        let answers = Mutex<[Int: HTTPResponse]>([:])
        let group = DispatchGroup()
        for (i, n) in notifications.enumerated() {
            group.enter()
            Thread.detachNewThread {
                let answer = try? server.send("POST", "/webhook", headers: n.headers, body: n.body)
                answers.withLock { $0[i] = answer }
                group.leave()
            }
        }
        group.wait()
        return answers.withLock { all in notifications.indices.map { all[$0] } }
    }

    /// The value of an unlabelled metric in a Prometheus text exposition.
    static func gauge(_ exposition: String, _ name: String) -> Double? {
        exposition.split(separator: "\n").first { $0.hasPrefix(name + " ") }
            .flatMap { Double($0.dropFirst(name.count + 1)) }
    }

    @Test("POST /webhook, 48 notifications at once (group commit): each acknowledged, its line in the file once, whole")
    func webhookConcurrentHandoff() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment())
        let notifications = try (0..<48).map { try Self.notification(outTradeNo: "AK-GC-\($0)") }
        let answers = Self.sendAtOnce(server, notifications)
        #expect(answers.map { $0?.status } == Array(repeating: 200, count: 48))
        let lines = world.dir.readText("events.ndjson").split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 49 && lines.last == "", "48 lines, each ended by a newline")
        #expect(world.events.count == 48, "every line a whole event")
        #expect(Set(world.events.compactMap { $0["out_trade_no"]?.stringValue }) == Set((0..<48).map { "AK-GC-\($0)" }))
        // Group commit at work: the 48 lines took fewer writes (one fsync each) than lines.
        let metrics = try server.send("GET", "/metrics").text
        #expect(Self.gauge(metrics, "wxpay_server_events_lines") == 48, "\(metrics)")
        let batches = try #require(Self.gauge(metrics, "wxpay_server_events_batches"))
        #expect(batches >= 1 && batches < 48, "\(metrics)")
        #expect(Self.gauge(metrics, "wxpay_server_events_failed_batches") == 0)
        let result = server.stop()
        #expect(result.status == 0, "\(result)")
    }

    @Test("POST /webhook, 16 notifications at once with WXPAY_EVENTS_FILE a directory: each answered 500 HANDOFF_FAILED")
    func webhookConcurrentHandoffFailure() throws {
        let world = try World()
        defer { world.dir.remove() }
        var environment = world.environment()
        environment["WXPAY_EVENTS_FILE"] = world.dir.file("a-directory")
        #expect(mkdir(world.dir.file("a-directory"), 0o700) == 0)
        let server = try ServerProcess(environment: environment)
        let notifications = try (0..<16).map { try Self.notification(outTradeNo: "AK-GC-FAIL-\($0)") }
        let answers = Self.sendAtOnce(server, notifications)
        #expect(answers.map { $0?.status } == Array(repeating: 500, count: 16))
        #expect(answers.allSatisfy { $0?.json?["error"]?["code"] == "HANDOFF_FAILED" })
        let metrics = try server.send("GET", "/metrics").text
        #expect(Self.gauge(metrics, "wxpay_server_events_lines") == 16, "\(metrics)")
        #expect(Self.gauge(metrics, "wxpay_server_events_failed_batches") == Self.gauge(metrics, "wxpay_server_events_batches"))
        _ = server.stop()
    }

    // MARK: Secrets re-read per request

    @Test("a secrets file rotated on disk is used by the very next request (keys and tokens)")
    func rotation() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(["--routes", "all"], environment: world.environment())
        let first = try Self.notification()
        #expect(try server.send("POST", "/webhook", headers: first.headers, body: first.body).status == 200)
        #expect(try server.post("/risk-batch", json: "", token: Self.token).status == 200)

        // Rotate: new WeChat Pay keys and a new token. The old ones stop working on the very next request.
        try world.write(Self.rotatedKeys, tokens: [Self.rotatedToken])
        let oldKeys = try Self.notification(outTradeNo: "AK-SRV-OLD")
        #expect(try server.send("POST", "/webhook", headers: oldKeys.headers, body: oldKeys.body).status == 401)
        let newKeys = try Self.notification(Self.rotatedKeys, outTradeNo: "AK-SRV-NEW")
        #expect(try server.send("POST", "/webhook", headers: newKeys.headers, body: newKeys.body).status == 200)
        #expect(try server.post("/risk-batch", json: "", token: Self.token).status == 401)
        #expect(try server.post("/risk-batch", json: "", token: Self.rotatedToken).status == 200)

        // Rewritten in place (same inode, same size, new content): still seen at once.
        let path = world.secretsPath
        var text = try String(contentsOfFile: path, encoding: .utf8)
        let swapped = String(Self.rotatedToken.reversed())
        text = text.replacingOccurrences(of: Self.rotatedToken, with: swapped)
        let handle = try #require(FileHandle(forWritingAtPath: path))
        handle.write(Data(text.utf8))
        try handle.close()
        #expect(try server.post("/risk-batch", json: "", token: Self.rotatedToken).status == 401)
        #expect(try server.post("/risk-batch", json: "", token: swapped).status == 200)
        #expect(world.events.map { $0["out_trade_no"] } == ["AK-SRV-1", "AK-SRV-NEW"])
    }

    // MARK: Bearer tokens and routes

    @Test("protected routes: 401 without, with a wrong, or with a lower-cased token; webhook/healthz/metrics open")
    func bearer() throws {
        let world = try World(tokens: [Self.token, "second_token_ABCDEFGH"])
        defer { world.dir.remove() }
        let server = try ServerProcess(["--routes", "all"], environment: world.environment())
        for route in ["/create-intent", "/intent-status", "/close-intent", "/refund", "/refund-status", "/risk-batch"] {
            let none = try server.post(route, json: "{}")
            #expect(none.status == 401, "\(route)")
            #expect(none.header("www-authenticate") == "Bearer")
            #expect(none.json?["error"]?["code"] == "UNAUTHORIZED")
            #expect(try server.post(route, json: "{}", token: Self.token.lowercased()).status == 401)
            #expect(try server.post(route, json: "{}", token: Self.token + "x").status == 401)
            #expect(try server.send("POST", route, headers: [("Authorization", Self.token)]).status == 401)
            // The right token reaches the function: an empty object is the function's INVALID_FIELD.
            let ok = try server.post(route, json: "{}", token: Self.token)
            #expect(route == "/risk-batch" ? ok.status == 200 : ok.status == 400, "\(route): \(ok.text)")
        }
        #expect(try server.post("/refund", json: "{}", token: "second_token_ABCDEFGH").status == 400)
        #expect(try server.send("GET", "/healthz").status == 200)
        #expect(try server.send("GET", "/metrics").status == 200)
    }

    @Test("default routes are webhook, healthz, metrics; others 404; a wrong method 405 with Allow")
    func routes() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment())
        #expect(try server.post("/create-intent", json: "{}", token: Self.token).status == 404)
        #expect(try server.post("/risk-batch", json: "{}", token: Self.token).status == 404)
        #expect(try server.send("GET", "/nope").status == 404)
        let get = try server.send("GET", "/webhook")
        #expect(get.status == 405)
        #expect(get.header("allow") == "POST")
        #expect(try server.send("DELETE", "/healthz").status == 405)
        let health = try server.send("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.json?["status"] == "ok")

        let limited = try ServerProcess(["--routes", "healthz"], environment: world.environment())
        #expect(try limited.send("GET", "/healthz").status == 200)
        let n = try Self.notification()
        #expect(try limited.send("POST", "/webhook", headers: n.headers, body: n.body).status == 404)

        let environmentRoutes = try ServerProcess(environment: world.environment().merging(
            ["WXPAY_SERVER_ROUTES": "refund,healthz"]) { $1 })
        #expect(try environmentRoutes.post("/refund", json: "{}", token: Self.token).status == 400)
        #expect(try environmentRoutes.send("GET", "/metrics").status == 404)
    }

    @Test("a bad --routes or port is refused at start with exit 64")
    func badOptions() throws {
        let executable = try Executables.require("wxpay-server")
        let routes = try runProcess(executable, ["--routes", "webhook,nope"], environment: ["PATH": "/usr/bin:/bin"])
        #expect(routes.status == 64, "\(routes)")
        let port = try runProcess(executable, [], environment: ["PATH": "/usr/bin:/bin", "WXPAY_SERVER_PORT": "99999"])
        #expect(port.status == 64, "\(port)")
    }

    // MARK: Payment routes against the emulator

    @Test("payment routes run the functions in-process against the emulator: create, status, close, refund")
    func paymentRoutes() throws {
        let emulator = try EmulatorProcess(notifyURL: "http://127.0.0.1:9/wxpay/notify", serveArguments: ["--no-deliver"])
        defer { emulator.stop() }
        try emulator.rewriteSecrets { $0["server_tokens"] = .array([.string(Self.token)]) }
        let server = try ServerProcess(["--routes", "all"], environment: [
            "PATH": "/usr/bin:/bin", "WXPAY_SECRETS_FILE": emulator.secretsPath,
        ])
        let created = try server.post("/create-intent", json: #"{"amount":1999,"description":"server test","idempotency_key":"srv-thread-1","channel":"native"}"#,
                                      token: Self.token)
        #expect(created.status == 200, "\(created.text)")
        let intent = try #require(created.json)
        let intentID = try #require(intent["intent_id"]?.stringValue)
        #expect(intent["status"] == "requires_confirmation")

        // The same key again: the same intent, replayed (idempotency as the executable keeps it).
        let replay = try server.post("/create-intent", json: #"{"amount":1999,"description":"server test","idempotency_key":"srv-thread-1","channel":"native"}"#,
                                     token: Self.token)
        #expect(replay.json?["intent_id"] == .string(intentID))
        #expect(replay.json?["replayed"] == true)
        let conflict = try server.post("/create-intent", json: #"{"amount":2999,"description":"server test","idempotency_key":"srv-thread-1","channel":"native"}"#,
                                       token: Self.token)
        #expect(conflict.status == 409 || conflict.status == 400, "\(conflict.text)")
        #expect(conflict.json?["error"]?["code"] == "IDEMPOTENCY_CONFLICT")

        let status = try server.post("/intent-status", json: #"{"intent_id":"\#(intentID)"}"#, token: Self.token)
        #expect(status.status == 200, "\(status.text)")
        #expect(status.json?["status"] != nil)

        let closed = try server.post("/close-intent", json: #"{"intent_id":"\#(intentID)"}"#, token: Self.token)
        #expect(closed.status == 200, "\(closed.text)")

        let refund = try server.post("/refund", json: #"{"intent_id":"\#(intentID)","amount":100,"idempotency_key":"r-1","reason":"duplicate"}"#,
                                     token: Self.token)
        #expect(refund.status >= 400, "a closed, unpaid intent cannot be refunded: \(refund.text)")
        #expect(refund.json?["error"]?["code"] != nil)

        // A paid intent, refunded, then asked after: /refund-status answers the refund; an unknown one is 404.
        let paidCreated = try server.post("/create-intent", json: #"{"amount":1999,"description":"server test","idempotency_key":"srv-thread-2","channel":"native"}"#,
                                          token: Self.token)
        let paidID = try #require(paidCreated.json?["intent_id"]?.stringValue, "\(paidCreated.text)")
        #expect(try emulator.control("POST", "/_emulator/orders/\(paidID)/pay", [:]).status == 200)
        let made = try server.post("/refund", json: #"{"intent_id":"\#(paidID)","amount":100,"idempotency_key":"r-1","reason":"duplicate"}"#,
                                   token: Self.token)
        #expect(made.status == 200, "\(made.text)")
        let outRefundNo = try #require(made.json?["out_refund_no"]?.stringValue, "\(made.text)")
        let refundStatus = try server.post("/refund-status", json: #"{"out_refund_no":"\#(outRefundNo)"}"#, token: Self.token)
        #expect(refundStatus.status == 200, "\(refundStatus.text)")
        #expect(refundStatus.json?["refund_id"] == made.json?["refund_id"])
        #expect(refundStatus.json?["amount"] == 100)
        let unknownRefund = try server.post("/refund-status", json: #"{"out_refund_no":"rf000000000000000000000000000000"}"#,
                                            token: Self.token)
        #expect(unknownRefund.status == 404, "\(unknownRefund.text)")
        #expect(unknownRefund.json?["error"]?["code"] == "REFUND_NOT_FOUND")

        let bad = try server.post("/create-intent", json: #"{"amount":19.99,"description":"x","idempotency_key":"k"}"#,
                                  token: Self.token)
        #expect(bad.status == 400)
        #expect(bad.json?["error"]?["code"] == "INVALID_FIELD")
        #expect(bad.json?["error"]?["field"] == "amount")
        let notJSON = try server.post("/create-intent", json: "{", token: Self.token)
        #expect(notJSON.status == 400)
        #expect(notJSON.json?["error"]?["code"] == "NOT_JSON")
    }

    // MARK: risk-batch

    @Test("POST /risk-batch: NDJSON in, one NDJSON answer per record out, in order, streamed")
    func riskBatch() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(["--routes", "all"], environment: world.environment())
        var lines: [String] = []
        for i in 0..<500 {
            lines.append(#"{"id":"t\#(i)","amount":\#(1000 + i),"currency":"CNY","description":"coffee","payer":"p\#(i % 7)","time":"2026-12-01T10:00:00+08:00"}"#)
        }
        lines.insert("not json", at: 3)
        let answer = try server.post("/risk-batch", json: lines.joined(separator: "\n") + "\n", token: Self.token)
        #expect(answer.status == 200)
        #expect(answer.header("content-type") == "application/x-ndjson")
        let out = answer.text.split(separator: "\n").map { try? JSONCoding.value(from: Array($0.utf8)) }
        #expect(out.count == 501)
        #expect(out[0]?["id"] == "t0")
        #expect(out[3]?["error"]?["code"] == "BAD_TRANSACTION")
        #expect(out[500]?["id"] == "t499")
        #expect(out.allSatisfy { $0 != nil })
    }

    // MARK: Observability

    @Test("one JSON log line per request: request id (x-fc-request-id when given), route, status, ms; metrics")
    func logsAndMetrics() throws {
        let world = try World()
        defer { world.dir.remove() }
        let server = try ServerProcess(environment: world.environment())
        let n = try Self.notification()
        _ = try server.send("POST", "/webhook", headers: n.headers + [("x-fc-request-id", "fc-req-7f3a")], body: n.body)
        let echoed = try server.send("GET", "/healthz", headers: [("X-Request-Id", "req-abc-123")])
        #expect(echoed.header("x-request-id") == "req-abc-123")
        _ = try server.send("GET", "/nope")
        let metrics = try server.send("GET", "/metrics")
        #expect(metrics.header("content-type")?.hasPrefix("text/plain") == true)
        let text = metrics.text
        #expect(text.contains(#"wxpay_server_requests_total{route="webhook",status="200"} 1"#), "\(text)")
        #expect(text.contains(#"wxpay_server_requests_total{route="healthz",status="200"} 1"#))
        #expect(text.contains(#"wxpay_server_requests_total{route="-",status="404"} 1"#))
        #expect(text.contains(#"wxpay_server_request_duration_seconds_count{route="webhook"} 1"#))
        #expect(text.contains(#"wxpay_server_request_duration_seconds_bucket{route="webhook",le="+Inf"} 1"#))
        #expect(text.contains(#"wxpay_server_notifications_total{outcome="accepted",code=""} 1"#))

        let result = server.stop()
        let lines = result.stderr.split(separator: "\n").map { try? JSONCoding.value(from: Array($0.utf8)) }
        #expect(lines.allSatisfy { $0?.objectValue != nil }, "stderr holds only JSON lines")
        let requests = lines.compactMap { $0 }.filter { $0["msg"] == "request" }
        #expect(requests.count == 4, "\(result.stderr)")
        let webhook = try #require(requests.first)
        #expect(webhook["request_id"] == "fc-req-7f3a")
        #expect(webhook["route"] == "webhook")
        #expect(webhook["status"] == 200)
        let ms: Bool = switch webhook["ms"] { case .double?, .int?: true; default: false }
        #expect(ms, "ms is a number")
        #expect(requests[1]["request_id"] == "req-abc-123")
        for secret in [Self.keys.apiV3Key, Self.token] {
            #expect(!result.stderr.contains(secret) && !result.stdoutText.contains(secret))
        }
        #expect(!result.stderr.contains("PRIVATE KEY"))
    }
}
