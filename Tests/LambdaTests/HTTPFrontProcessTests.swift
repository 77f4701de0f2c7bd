import Foundation
import KitCore
import Testing
import WxPayCore
import WxPayHTTP
import WxPayTestSupport

/// A running `wxpay-http-front` on an ephemeral loopback port.
final class RunningFront {
    let process: Process
    let base: String
    let scratch: Scratch

    init(function: String, _ extra: [String] = [], environment: [String: String] = [:], scratch: Scratch) throws {
        self.scratch = scratch
        process = try Child.start(Executables.path("wxpay-http-front"),
                                  ["--port", "0", "--host", "127.0.0.1", "--function", function] + extra,
                                  environment: environment, logsIn: scratch.path)
        let limit = Date().addingTimeInterval(10)
        var address: String? = nil
        while address == nil && Date() < limit && process.isRunning {
            let line = scratch.read("stdout")
            if line.hasSuffix("\n"), let value = try? JSONCoding.value(from: Array(line.utf8)) {
                address = value["listening"]?.stringValue
            } else {
                usleep(20_000)
            }
        }
        guard let address else {
            process.terminate()
            throw TestSockets.SocketError(description: "the front did not start: \(scratch.read("stderr"))")
        }
        base = "http://\(address)"
    }

    func send(_ method: String, _ path: String, headers: [(name: String, value: String)] = [], body: [UInt8] = [])
        throws -> HTTPResponse
    {
        try HTTPClient.send(HTTPRequest(method: method, url: base + path, headers: headers, body: body,
                                        connectTimeout: 2, totalTimeout: 20))
    }

    deinit { process.terminate() }
}

/// A notification from `wxpay-simulate notify --style raw`: `{"headers": {...}, "body": "..."}`.
struct RawNotification {
    let headers: [(name: String, value: String)]
    let body: [UInt8]

    init(sandbox: String, fault: String? = nil) throws {
        let result = try Child.run(Executables.path("wxpay-simulate"),
                                   ["notify", "--sandbox", sandbox, "--style", "raw"] + (fault.map { ["--fault", $0] } ?? []))
        let value = try JSONCoding.value(from: result.stdout)
        headers = (value["headers"]?.objectValue ?? [:]).compactMap { name, v in v.stringValue.map { (name, $0) } }
        body = Array((value["body"]?.stringValue ?? "").utf8)
    }
}

@Suite("wxpay-http-front as a process", .serialized)
struct HTTPFrontProcessTests {
    func keys(_ scratch: Scratch) throws {
        let result = try Child.run(Executables.path("wxpay-simulate"), ["keys", "--out", scratch.file("keys")])
        try #require(result.status == 0, "\(result.stderr)")
    }

    @Test("in front of webhook: a genuine notification is 200 SUCCESS and handed on; a stale one is 401")
    func webhookBehindTheFront() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try keys(scratch)
        let front = try RunningFront(function: Executables.path("webhook"), environment: [
            "WXPAY_SECRETS_FILE": scratch.file("keys/secrets.json"), "WXPAY_EVENTS_FILE": scratch.file("events.ndjson"),
        ], scratch: scratch)

        let good = try RawNotification(sandbox: scratch.file("keys/sandbox.json"))
        let accepted = try front.send("POST", "/wxpay/notify", headers: good.headers, body: good.body)
        #expect(accepted.status == 200)
        let answer = try JSONCoding.value(from: accepted.body)
        #expect(answer["code"] == "SUCCESS")
        #expect(answer["event"] == nil && answer["statusCode"] == nil, "only the HTTP body reaches WeChat Pay")
        #expect(accepted.header("content-type") == "application/json")

        let stale = try RawNotification(sandbox: scratch.file("keys/sandbox.json"), fault: "stale")
        let refused = try front.send("POST", "/wxpay/notify", headers: stale.headers, body: stale.body)
        #expect(refused.status == 401)
        #expect(try JSONCoding.value(from: refused.body)["code"] == "FAIL")

        #expect(scratch.read("events.ndjson").split(separator: "\n").count == 1, "exactly the genuine one is handed on")
        #expect(try front.send("GET", "/healthz").status == 200)
    }

    @Test("the function reads the plain HTTP envelope: method, path, query, joined duplicate headers, body")
    func envelopeSentToTheFunction() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let front = try RunningFront(function: "/bin/cat", scratch: scratch)  // echoes the envelope: 200 raw JSON
        let echoed = try front.send("PUT", "/a/b?x=1&y=hello%20world", headers: [
            ("X-Twice", "one"), ("X-Twice", "two"), ("Content-Type", "application/json"),
        ], body: Array(#"{"k":"v"}"#.utf8))
        #expect(echoed.status == 200)
        let envelope = try JSONCoding.value(from: echoed.body)
        #expect(envelope["httpMethod"] == "PUT")
        #expect(envelope["path"] == "/a/b")
        #expect(envelope["queryStringParameters"] == ["x": "1", "y": "hello world"])
        #expect(envelope["headers"]?["X-Twice"] == "one,two")
        #expect(envelope["body"] == #"{"k":"v"}"#)
        #expect(envelope["isBase64Encoded"] == false)

        let binary: [UInt8] = [0xFF, 0x00, 0xC3, 0x28]
        let raw = try JSONCoding.value(from: try front.send("POST", "/bin", body: binary).body)
        #expect(raw["isBase64Encoded"] == true)
        #expect(raw["body"]?.stringValue.flatMap(Base64.decode) == binary)
    }

    @Test("the answer's statusCode, headers, multiValueHeaders, cookies and base64 body become the response")
    func answerMapping() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        let answer = #"{"statusCode":201,"headers":{"X-One":"1","Content-Length":"999"},"#
            + #""multiValueHeaders":{"X-Many":["a","b"]},"cookies":["s=1; HttpOnly"],"#
            + #""body":"aGVsbG8=","isBase64Encoded":true,"event":{"ignored":true}}"#
        try scratch.write("fn.sh", "#!/bin/sh\ncat >/dev/null\nprintf '%s\\n' '\(answer)'\n")
        chmod(scratch.file("fn.sh"), 0o755)
        let front = try RunningFront(function: scratch.file("fn.sh"), scratch: scratch)
        let response = try front.send("POST", "/", body: Array("{}".utf8))
        #expect(response.status == 201)
        #expect(response.body == Array("hello".utf8))
        #expect(response.header("x-one") == "1")
        #expect(response.headers.filter { $0.name == "x-many" }.map(\.value) == ["a", "b"])
        #expect(response.header("set-cookie") == "s=1; HttpOnly")
        #expect(response.header("content-length") == "5", "the function cannot forge framing headers")
    }

    @Test("a function past the timeout is killed: 504; a function that fails without an answer: 502")
    func timeoutAndFailure() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("slow.sh", "#!/bin/sh\nexec sleep 30\n")
        try scratch.write("broken.sh", "#!/bin/sh\ncat >/dev/null\necho 'not json'\nexit 70\n")
        chmod(scratch.file("slow.sh"), 0o755)
        chmod(scratch.file("broken.sh"), 0o755)
        let slow = try RunningFront(function: scratch.file("slow.sh"), ["--timeout", "0.5"], scratch: scratch)
        let started = Date()
        let timedOut = try slow.send("POST", "/", body: Array("{}".utf8))
        #expect(timedOut.status == 504)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try JSONCoding.value(from: timedOut.body)["error"]?["code"] == "TIMED_OUT")

        let scratch2 = try Scratch()
        defer { scratch2.cleanup() }
        let broken = try RunningFront(function: scratch.file("broken.sh"), scratch: scratch2)
        let failed = try broken.send("POST", "/", body: Array("{}".utf8))
        #expect(failed.status == 502)
        #expect(try JSONCoding.value(from: failed.body)["error"]?["code"] == "FUNCTION_FAILED")
    }

    @Test("limits: a body over 1 MiB is 413 and never reaches the function; chunked bodies are 411")
    func limits() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try scratch.write("count.sh", "#!/bin/sh\necho run >> \(scratch.file("runs"))\ncat\n")
        chmod(scratch.file("count.sh"), 0o755)
        let front = try RunningFront(function: scratch.file("count.sh"), scratch: scratch)
        let tooLarge = try front.send("POST", "/", body: [UInt8](repeating: 0x41, count: (1 << 20) + 1))
        #expect(tooLarge.status == 413)
        let chunked = try front.send("POST", "/", headers: [("Transfer-Encoding", "chunked")], body: Array("{}".utf8))
        #expect(chunked.status == 411)
        #expect(scratch.read("runs").isEmpty)
    }

    @Test("--cgi (OpenFaaS classic watchdog): headers from Http_* variables, body on stdin, exit 0 only for 2xx")
    func cgiMode() throws {
        let scratch = try Scratch()
        defer { scratch.cleanup() }
        try keys(scratch)
        func run(_ notification: RawNotification) throws -> ProcessResult {
            var env = ["WXPAY_SECRETS_FILE": scratch.file("keys/secrets.json"), "Http_Method": "POST",
                       "Http_Path": "/wxpay/notify", "Http_ContentLength": "\(notification.body.count)"]
            for (name, value) in notification.headers {
                env["Http_" + name.replacingOccurrences(of: "-", with: "_")] = value
            }
            return try Child.run(Executables.path("wxpay-http-front"),
                                 ["--cgi", "--function", Executables.path("webhook")],
                                 stdin: String(decoding: notification.body, as: UTF8.self), environment: env)
        }
        let accepted = try run(try RawNotification(sandbox: scratch.file("keys/sandbox.json")))
        #expect(accepted.status == 0, "\(accepted.stderr)")
        #expect(try JSONCoding.value(from: accepted.stdout)["code"] == "SUCCESS")

        let refused = try run(try RawNotification(sandbox: scratch.file("keys/sandbox.json"), fault: "stale"))
        #expect(refused.status == 1, "the watchdog must answer 500, not 200, for a refused notification")
        #expect(try JSONCoding.value(from: refused.stdout)["code"] == "FAIL")
    }

    @Test("bad command lines are refused with 64; a missing function with 78")
    func commandLine() throws {
        let front = Executables.path("wxpay-http-front")
        #expect(try Child.run(front, ["--port", "x", "--function", "/bin/cat"]).status == 64)
        #expect(try Child.run(front, []).status == 64, "no function named")
        #expect(try Child.run(front, ["--function", "/nonexistent/fn"]).status == 78)
        #expect(try Child.run(front, ["--help"]).stdoutText.contains("USAGE"))
    }
}
