import Foundation
import FunctionKit
import KitCore
import Testing
import WxPayCore
import WxPayHTTP

/// A loop over SCF's API at `fake`, after posting the ready signal (as the process's loop does first).
func makeSCFLoop(_ fake: FakeRuntimeAPI, _ seen: Seen, ready: Bool = true) throws -> RuntimeLoop {
    let api = try SCFRuntimeAPI(environment: fake.scfEnvironment)
    if ready { try api.ready() }
    return RuntimeLoop(api: api, descriptor: testDescriptor, environment: [:], logger: quietLogger,
                       handler: testFunction(seen))
}

func scfAPI(_ host: String, _ port: String) throws -> SCFRuntimeAPI {
    try SCFRuntimeAPI(environment: ["SCF_RUNTIME_API": host, "SCF_RUNTIME_API_PORT": port])
}

/// Tencent Cloud SCF's API Gateway trigger event (event functions), as SCF sends it: no `version` or `resource`,
/// `requestContext.serviceId`, lower-case header names, `queryString` beside `queryStringParameters`,
/// `headerParameters`.
func scfGatewayEvent(body: String, method: String = "POST", base64: JSONValue = false) throws -> String {
    try JSONCoding.string(JSONValue.object([
        "requestContext": ["serviceId": "service-f94sy04v", "path": "/intents", "httpMethod": .string(method),
                           "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef", "identity": ["secretId": "AKIDx"],
                           "sourceIp": "10.0.2.14", "stage": "release"],
        "headers": ["accept": "application/json", "content-type": "application/json",
                    "host": "service-f94sy04v-1250000000.gz.apigw.tencentcs.com", "x-api-requestid": "a1b2c3"],
        "body": .string(body), "pathParameters": [:], "queryStringParameters": [:], "headerParameters": [:],
        "stageVariables": ["stage": "release"], "path": "/intents", "queryString": ["dry": "1", "flag": true],
        "httpMethod": .string(method), "isBase64Encoded": base64,
    ]))
}

@Suite("Tencent Cloud SCF custom-runtime loop, in process against a stand-in runtime API", .serialized)
struct SCFRuntimeLoopTests {
    @Test("ready, then several invocations: each answer goes to /runtime/invocation/response, in order")
    func severalInvocations() throws {
        let fake = try FakeRuntimeAPI(.scf)
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeSCFLoop(fake, seen)
        #expect(fake.readyPosts == 1)
        fake.enqueue(.init(json: #"{"op":"echo","value":1}"#, requestID: "scf-1"),
                     .init(json: #"{"op":"echo","value":"two"}"#, requestID: "scf-2"))
        for _ in 0..<2 { try loop.serveNext() }
        let posts = fake.waitForPosts(2)
        #expect(posts.map(\.path) == ["/runtime/invocation/response", "/runtime/invocation/response"])
        #expect(try posts.map { try json($0) } == [["echo": 1], ["echo": "two"]])
        #expect(seen.traces == [nil, nil], "SCF has no X-Ray trace: _X_AMZN_TRACE_ID stays unset")
    }

    @Test("before the ready post the stand-in refuses /next, as a protocol violation")
    func nextBeforeReady() throws {
        let fake = try FakeRuntimeAPI(.scf)
        defer { fake.stop() }
        let loop = try makeSCFLoop(fake, Seen(), ready: false)
        #expect(throws: RuntimeAPIError(.protocolViolation, "/invocation/next answered HTTP 400")) {
            try loop.serveNext()
        }
        #expect(fake.nextBeforeReady == 1)
    }

    @Test("a failing direct event is posted to /runtime/invocation/error with the stable code, and the loop goes on")
    func errorPath() throws {
        let fake = try FakeRuntimeAPI(.scf)
        defer { fake.stop() }
        let loop = try makeSCFLoop(fake, Seen())
        fake.enqueue(.init(json: #"{"op":"internal"}"#, requestID: "broken"),
                     .init(json: "not json at all", requestID: "garbage"),
                     .init(json: #"{"op":"echo","value":true}"#, requestID: "after"))
        for _ in 0..<3 { try loop.serveNext() }
        let posts = fake.waitForPosts(3)
        #expect(posts.map(\.path) == ["/runtime/invocation/error", "/runtime/invocation/error",
                                      "/runtime/invocation/response"])
        #expect(try posts.map { try json($0)["errorType"] } == ["INTERNAL", "NOT_JSON", nil])
        #expect(try json(posts[2]) == ["echo": true])
        #expect(posts.allSatisfy { $0.headers["lambda-runtime-function-error-type"] == nil })
    }

    @Test("the deadline is time_limit_in_ms from the moment /next answered, less the answer margin")
    func deadlineFromTimeLimit() throws {
        let fake = try FakeRuntimeAPI(.scf)
        defer { fake.stop() }
        let seen = Seen()
        let loop = try makeSCFLoop(fake, seen)
        fake.enqueue(.init(json: #"{"op":"echo","value":0}"#, requestID: "timed",
                           deadlineMillis: TestSockets.nowMillis() + 1_000))
        try loop.serveNext()
        let remaining = try #require(seen.remaining.first)
        #expect(remaining > 0.5 && remaining <= 1.0 - RuntimeLoop.answerMargin)
    }

    @Test("/next answers: request_id is kept (made safe), a time limit out of range is ignored")
    func nextAnswerParsing() throws {
        let at: Int64 = 1_000_000
        let ok = try RuntimeInvocation(scfNextAnswer: HTTPResponse(
            status: 200, headers: [("request_id", "abc-1"), ("time_limit_in_ms", "3000")], body: Array("{}".utf8)),
            nowMillis: at)
        #expect(ok.requestID == "abc-1" && ok.deadlineMillis == at + 3000 && ok.event == Array("{}".utf8))
        let odd = try RuntimeInvocation(scfNextAnswer: HTTPResponse(
            status: 200, headers: [("request_id", "a\"b\nc"), ("time_limit_in_ms", "-5")], body: []), nowMillis: at)
        #expect(odd.requestID == #"a\"b\nc"# && odd.deadlineMillis == nil)
        let bare = try RuntimeInvocation(scfNextAnswer: HTTPResponse(status: 200, headers: [], body: []))
        #expect(bare.requestID == "-" && bare.deadlineMillis == nil)
        #expect(throws: RuntimeAPIError.self) {
            try RuntimeInvocation(scfNextAnswer: HTTPResponse(status: 502, headers: [], body: []))
        }
    }

    @Test("SCF_RUNTIME_API and SCF_RUNTIME_API_PORT must be a host and a port",
          arguments: [("", "9001"), ("127.0.0.1", ""), ("127.0.0.1", "0"), ("127.0.0.1", "70000"),
                      ("127.0.0.1/x", "9001"), ("127.0.0.1", "90a1"), ("::1", "9001")])
    func badAddress(host: String, port: String) {
        #expect(throws: RuntimeAPIError.self) { try scfAPI(host, port) }
    }

    @Test("a good address gives the /runtime base URL")
    func goodAddress() throws {
        #expect(try scfAPI("127.0.0.1", "9001").base == "http://127.0.0.1:9001/runtime")
    }

    @Test("platform detection: Lambda's variable or flag first, then SCF's, else stdin")
    func detection() {
        #expect(RuntimePlatform.detect([:]) == nil)
        #expect(RuntimePlatform.detect(["SCF_RUNTIME_API": ""]) == nil)
        #expect(RuntimePlatform.detect(["SCF_RUNTIME_API": "127.0.0.1", "SCF_RUNTIME_API_PORT": "9001"]) == .scf)
        #expect(RuntimePlatform.detect(["AWS_LAMBDA_RUNTIME_API": "127.0.0.1:9001"]) == .lambda)
        #expect(RuntimePlatform.detect(["AWS_LAMBDA_RUNTIME_API": "a:1", "SCF_RUNTIME_API": "b"]) == .lambda)
        #expect(RuntimePlatform.detect([:], scfFlag: true) == .scf)
        #expect(RuntimePlatform.detect(["SCF_RUNTIME_API": "b"], lambdaFlag: true) == .lambda)
    }
}

@Suite("SCF's API Gateway trigger event, parsed and answered as HTTP")
struct SCFEnvelopeTests {
    @Test("it is a gateway HTTP event marked as SCF's: headers, method and body as sent")
    func parse() throws {
        let event = try scfGatewayEvent(body: #"{"op":"echo","value":7}"#)
        let request = try FunctionRequest.parse(Array(event.utf8), tools: [])
        #expect(request.envelope == .http(gateway: true, scf: true))
        #expect(request.method == "POST")
        #expect(request.header("Content-Type") == "application/json")
        #expect(try request.input() == ["op": "echo", "value": 7])
    }

    @Test("AWS's payloads are not taken for SCF's")
    func awsIsNotSCF() throws {
        let v1 = #"{"resource":"/x","path":"/x","httpMethod":"POST","headers":{},"body":"{}","isBase64Encoded":false,"#
            + #""requestContext":{"apiId":"abc123","stage":"prod","requestId":"r"}}"#
        #expect(try FunctionRequest.parse(Array(v1.utf8), tools: []).envelope == .http(gateway: true))
    }

    @Test("isBase64Encoded as a boolean or as the string \"true\" decodes the body")
    func base64Body() throws {
        let body = Base64Codec.standard.encode(Array(#"{"op":"echo","value":"b64"}"#.utf8))
        for flag: JSONValue in [true, "true"] {
            let request = try FunctionRequest.parse(Array(try scfGatewayEvent(body: body, base64: flag).utf8), tools: [])
            #expect(try request.input() == ["op": "echo", "value": "b64"])
        }
    }

    @Test("the answer is SCF's integration response: isBase64Encoded, statusCode, headers, body; errors too")
    func answers() throws {
        let seen = Seen()
        let context = InvocationContext(environment: [:], deadline: .after(seconds: 5), logger: quietLogger)
        for (event, status) in [(#"{"op":"echo","value":1}"#, 200), (#"{"op":"nope"}"#, 400)] {
            let (answer, _) = FunctionRunner.invoke(Array(try scfGatewayEvent(body: event).utf8),
                                                    descriptor: testDescriptor, context: context,
                                                    handler: testFunction(seen))
            #expect(Set(answer.objectValue?.keys.map { $0 } ?? []) == ["isBase64Encoded", "statusCode", "headers", "body"])
            #expect(answer["isBase64Encoded"] == false)
            #expect(answer["statusCode"] == .int(Int64(status)))
        }
        // A body that does not parse is answered in the same shape (400), not as a bare error.
        let (bad, _) = FunctionRunner.invoke(Array(try scfGatewayEvent(body: "{oops").utf8),
                                             descriptor: testDescriptor, context: context, handler: testFunction(seen))
        #expect(bad["statusCode"] == 400 && bad["isBase64Encoded"] == false)
    }
}
