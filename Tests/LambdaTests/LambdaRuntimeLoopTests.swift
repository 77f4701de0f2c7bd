import Foundation
import FunctionKit
import KitCore
import Logging
import Testing
import WxPayCore
import WxPayHTTP

/// What a test handler saw of its invocations.
final class Seen: @unchecked Sendable {
    private let lock = NSLock()
    private var _remaining: [Double] = []
    private var _traces: [String?] = []

    func record(_ context: InvocationContext) {
        lock.lock()
        _remaining.append(context.deadline.remaining)
        _traces.append(context.environment["_X_AMZN_TRACE_ID"])
        lock.unlock()
    }

    var remaining: [Double] { lock.lock(); defer { lock.unlock() }; return _remaining }
    var traces: [String?] { lock.lock(); defer { lock.unlock() }; return _traces }
}

/// A function for the loop to serve: `{"op": "echo"|"invalid"|"internal"|"unavailable", ...}`.
func testFunction(_ seen: Seen) -> FunctionHandler {
    { request, context throws(WxPayError) in
        seen.record(context)
        let input = try request.input()
        switch input["op"]?.stringValue {
        case "echo"?: return FunctionResult(body: ["echo": input["value"] ?? .null])
        case "internal"?: throw .internalError("the handler broke")
        case "unavailable"?: throw .unavailable("WeChat Pay answered 503")
        default: throw .invalidField("op", "must be echo, internal or unavailable")
        }
    }
}

let testDescriptor = FunctionDescriptor(name: "echo", summary: "test", discussion: "test", tools: ["echo_tool"],
                                        timeBudget: 10)
let quietLogger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }

func makeLoop(_ fake: FakeRuntimeAPI, _ seen: Seen, environment: [String: String] = [:],
              descriptor: FunctionDescriptor = testDescriptor) throws -> RuntimeLoop
{
    RuntimeLoop(api: try LambdaRuntimeAPI(address: fake.address), descriptor: descriptor,
                      environment: environment, logger: quietLogger, handler: testFunction(seen))
}

func json(_ request: ReceivedRequest) throws -> JSONValue { try JSONCoding.value(from: request.body) }

@Suite("Lambda Runtime API loop, in process against a fake Runtime API", .serialized)
struct RuntimeLoopTests {
    @Test("several invocations: each answer goes to /invocation/{id}/response for its own id, in order")
    func severalInvocations() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeLoop(fake, seen)
        fake.enqueue(.init(json: #"{"op":"echo","value":1}"#, requestID: "req-1"),
                     .init(json: #"{"op":"echo","value":"two"}"#, requestID: "req-2"),
                     .init(json: #"{"op":"echo","value":[3]}"#, requestID: "req-3"))
        for _ in 0..<3 { try loop.serveNext() }
        let posts = fake.waitForPosts(3)
        #expect(posts.map(\.path) == ["req-1", "req-2", "req-3"].map { "/2018-06-01/runtime/invocation/\($0)/response" })
        #expect(try posts.map { try json($0) } == [["echo": 1], ["echo": "two"], ["echo": [3]]])
        #expect(posts.allSatisfy { $0.headers["lambda-runtime-function-error-type"] == nil })
    }

    @Test("a failing direct event is an error post: errorType is the stable code, with the Unhandled header")
    func directFailureIsAnErrorPost() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let loop = try makeLoop(fake, Seen())
        fake.enqueue(.init(json: #"{"op":"nope"}"#, requestID: "bad-field"),
                     .init(json: #"{"op":"internal"}"#, requestID: "broken"),
                     .init(json: #"{"op":"unavailable"}"#, requestID: "upstream"))
        for _ in 0..<3 { try loop.serveNext() }
        let posts = fake.waitForPosts(3)
        #expect(posts.map(\.path) == ["bad-field", "broken", "upstream"].map {
            "/2018-06-01/runtime/invocation/\($0)/error"
        })
        #expect(posts.allSatisfy { $0.headers["lambda-runtime-function-error-type"] == "Unhandled" })
        let bodies = try posts.map { try json($0) }
        #expect(bodies.map { $0["errorType"] } == ["INVALID_FIELD", "INTERNAL", "WECHAT_UNAVAILABLE"])
        #expect(bodies[0]["errorMessage"]?.stringValue?.contains("op") == true)
        #expect(bodies.allSatisfy { Set($0.objectValue?.keys.map { $0 } ?? []) == ["errorType", "errorMessage"] })
    }

    @Test("a bad event (not JSON) is an error post NOT_JSON, and the loop serves the next invocation")
    func badEventThenGoodOne() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeLoop(fake, seen)
        fake.enqueue(.init(json: "this is not json", requestID: "garbage"),
                     .init(json: #"{"op":"echo","value":true}"#, requestID: "after"))
        try loop.serveNext()
        try loop.serveNext()
        let posts = fake.waitForPosts(2)
        #expect(posts.map(\.path) == ["/2018-06-01/runtime/invocation/garbage/error",
                                      "/2018-06-01/runtime/invocation/after/response"])
        #expect(try json(posts[0])["errorType"] == "NOT_JSON")
        #expect(try json(posts[1]) == ["echo": true])
        #expect(seen.remaining.count == 1, "a bad event never reaches the handler")
    }

    @Test("an HTTP event's failure is a *response* carrying the HTTP status: API Gateway must not answer 502")
    func httpFailureIsAResponse() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let loop = try makeLoop(fake, Seen())
        let event = #"{"version":"2.0","rawPath":"/x","headers":{},"body":"{\"op\":\"internal\"}","#
            + #""isBase64Encoded":false,"requestContext":{"http":{"method":"POST","path":"/x"}}}"#
        fake.enqueue(.init(json: event, requestID: "http-1"))
        try loop.serveNext()
        let post = try #require(fake.waitForPosts(1).first)
        #expect(post.path == "/2018-06-01/runtime/invocation/http-1/response")
        let answer = try json(post)
        #expect(answer["statusCode"] == 500)
        #expect(answer["body"]?.stringValue?.contains("INTERNAL") == true)
    }

    @Test("a tool call's failure is a response: the tool message carries the error in its content")
    func toolFailureIsAResponse() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let loop = try makeLoop(fake, Seen())
        fake.enqueue(.init(json: #"{"id":"call_1","type":"function","function":{"name":"echo_tool","arguments":"{\"op\":\"x\"}"}}"#,
                           requestID: "tool-1"))
        try loop.serveNext()
        let post = try #require(fake.waitForPosts(1).first)
        #expect(post.path == "/2018-06-01/runtime/invocation/tool-1/response")
        let answer = try json(post)
        #expect(answer["role"] == "tool")
        #expect(answer["tool_call_id"] == "call_1")
        #expect(answer["content"]?.stringValue?.contains("INVALID_FIELD") == true)
    }

    @Test("the handler's deadline is Lambda-Runtime-Deadline-Ms less the answer margin, within the budget")
    func deadlineHeaderIsHonored() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeLoop(fake, seen)
        let now = TestSockets.nowMillis()
        fake.enqueue(.init(json: #"{"op":"echo"}"#, requestID: "soon", deadlineMillis: now + 1_000),
                     .init(json: #"{"op":"echo"}"#, requestID: "late", deadlineMillis: now + 600_000),
                     .init(json: #"{"op":"echo"}"#, requestID: "gone", deadlineMillis: now - 5))
        for _ in 0..<3 { try loop.serveNext() }
        let remaining = seen.remaining
        #expect(remaining[0] > 0.5 && remaining[0] <= 1.0 - RuntimeLoop.answerMargin)
        #expect(remaining[1] > 9 && remaining[1] <= 10, "the function's own budget (10 s) still caps it")
        #expect(remaining[2] == 0, "an invocation already past its deadline gets no time for calls")
    }

    @Test("a hostile Lambda-Runtime-Deadline-Ms (Int64.min, beyond year 9999) is ignored: the budget applies")
    func hostileDeadlineHeader() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeLoop(fake, seen)
        fake.enqueue(.init(json: #"{"op":"echo"}"#, requestID: "min", deadlineMillis: Int64.min),
                     .init(json: #"{"op":"echo"}"#, requestID: "max", deadlineMillis: Int64.max),
                     .init(json: #"{"op":"echo"}"#, requestID: "neg", deadlineMillis: -5))
        for _ in 0..<3 { try loop.serveNext() }
        #expect(fake.waitForPosts(3).count == 3)
        for remaining in seen.remaining {
            #expect(remaining > 9 && remaining <= 10, "the function's own budget (10 s)")
        }
    }

    @Test("deadline arithmetic: header, WXPAY_TIME_BUDGET_MS, no header")
    func deadlineArithmetic() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let loop = try makeLoop(fake, Seen(), environment: ["WXPAY_TIME_BUDGET_MS": "3000"])
        func remaining(_ header: Int64?) -> Double {
            let invocation = RuntimeInvocation(requestID: "r", deadlineMillis: header, traceID: nil, functionARN: nil,
                                              event: [])
            return loop.deadline(for: invocation, nowMillis: 1_000_000).remaining
        }
        #expect(abs(remaining(1_002_000) - (2 - RuntimeLoop.answerMargin)) < 0.05)
        #expect(abs(remaining(1_900_000) - 3) < 0.05, "WXPAY_TIME_BUDGET_MS caps a long Lambda timeout")
        #expect(abs(remaining(nil) - 3) < 0.05)
    }

    @Test("Lambda-Runtime-Trace-Id becomes _X_AMZN_TRACE_ID for that invocation only")
    func traceID() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeLoop(fake, seen)
        var untraced = FakeRuntimeAPI.Invocation(json: #"{"op":"echo"}"#)
        untraced.traceID = nil
        fake.enqueue(.init(json: #"{"op":"echo"}"#), untraced)
        try loop.serveNext()
        try loop.serveNext()
        #expect(seen.traces == ["Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1", nil])
    }

    @Test("a request id that could steer the post elsewhere is a protocol violation, and nothing is posted")
    func unsafeRequestID() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let loop = try makeLoop(fake, Seen())
        fake.enqueue(.init(json: #"{"op":"echo"}"#, requestID: "../../init/error"))
        #expect(throws: RuntimeAPIError(.protocolViolation, "/invocation/next answered without a usable request id")) {
            try loop.serveNext()
        }
        #expect(fake.waitForPosts(1, timeout: 0.3).isEmpty)
    }

    @Test("/next answering an error status is a protocol violation")
    func nextErrorStatus() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let api = try LambdaRuntimeAPI(address: fake.address)
        fake.enqueue(.init(event: [], nextStatus: 500))
        #expect(throws: RuntimeAPIError(.protocolViolation, "/invocation/next answered HTTP 500")) { try api.next() }
    }

    @Test("init errors go to /runtime/init/error with the Unhandled header")
    func initErrorPost() throws {
        let fake = try FakeRuntimeAPI()
        defer { fake.stop() }
        let api = try LambdaRuntimeAPI(address: fake.address)
        try api.reportInitFailure(RuntimeErrorReport(errorType: "RUNTIME_INIT_FAILED", errorMessage: "cannot start"))
        let post = try #require(fake.waitForPosts(1).first)
        #expect(post.path == "/2018-06-01/runtime/init/error")
        #expect(post.headers["lambda-runtime-function-error-type"] == "Unhandled")
        #expect(try json(post) == ["errorType": "RUNTIME_INIT_FAILED", "errorMessage": "cannot start"])
    }

    @Test("AWS_LAMBDA_RUNTIME_API must be host:port", arguments: ["", "localhost", "127.0.0.1:", "127.0.0.1:99999",
                                                                "host/path:80", ":9001", "a b:80"])
    func invalidAddress(_ address: String) {
        #expect(throws: RuntimeAPIError.self) { try LambdaRuntimeAPI(address: address) }
    }

    @Test("valid Runtime API addresses", arguments: ["127.0.0.1:9001", "localhost:9001", "[::1]:9001"])
    func validAddress(_ address: String) throws {
        #expect(try LambdaRuntimeAPI(address: address).base == "http://\(address)/2018-06-01/runtime")
    }

    @Test("reply choice: only a bare error object with a failing status is an error post")
    func replyChoice() {
        let error: JSONValue = ["error": ["code": "RATE_LIMITED", "message": "slow down", "retryable": true]]
        #expect(RuntimeReply.choose(answer: error, exitStatus: 75)
            == .error(RuntimeErrorReport(errorType: "RATE_LIMITED", errorMessage: "slow down")))
        guard case .response = RuntimeReply.choose(answer: ["statusCode": 401, "body": "{}"], exitStatus: 77) else {
            Issue.record("an HTTP answer must be a response")
            return
        }
        guard case .response = RuntimeReply.choose(answer: ["ok": true], exitStatus: 0) else {
            Issue.record("a success must be a response")
            return
        }
    }
}
