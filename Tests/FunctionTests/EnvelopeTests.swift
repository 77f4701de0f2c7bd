import FunctionKit
import KitCore
import Logging
import Testing
import WxPayCore
import WxPayHTTP

/// docs/envelopes.md, through `FunctionRunner.invoke` with a small echo handler.
@Suite("Envelopes")
struct EnvelopeTests {
    static let descriptor = FunctionDescriptor(name: "echo", summary: "Echoes its input.", discussion: "",
                                               tools: ["echo_tool"])

    static let context = InvocationContext(
        environment: [:], deadline: .after(seconds: 60),
        logger: Logger(label: "envelope-tests") { _ in SwiftLogNoOpLogHandler() })

    /// Echoes the input and the `X-Trace-Id` header; `{"fail": true}` fails with INVALID_FIELD `amount`;
    /// `{"accepted": true}` answers 202. Plain HTTP answers also carry an `event` extra.
    static let handler: FunctionHandler = { request, _ throws(WxPayError) in
        let input = try request.input()
        if input["fail"] != nil { throw .invalidField("amount", "must be positive") }
        var echo: [String: JSONValue] = ["input": input]
        if let trace = request.header("X-Trace-Id") { echo["trace"] = .string(trace) }
        if let method = request.method { echo["method"] = .string(method) }
        return FunctionResult(body: .object(echo), statusCode: input["accepted"] != nil ? 202 : 200,
                              extras: ["event": ["echoed": true]])
    }

    static func invoke(_ event: JSONValue) throws -> (answer: JSONValue, status: Int32) {
        invoke(bytes: try JSONCoding.encode(event))
    }

    static func invoke(bytes: [UInt8]) -> (answer: JSONValue, status: Int32) {
        let r = FunctionRunner.invoke(bytes, descriptor: descriptor, context: context, handler: handler)
        return (r.answer, r.exitStatus)
    }

    /// The body string of an HTTP answer, parsed.
    static func body(_ answer: JSONValue) throws -> JSONValue {
        let text = try #require(answer["body"]?.stringValue, "the HTTP answer has no string body")
        return try JSONCoding.value(from: Array(text.utf8))
    }

    static let httpKeys: Set<String> = ["statusCode", "headers", "body"]

    static func keys(_ v: JSONValue) -> Set<String> { Set(v.objectValue?.keys ?? [:].keys) }

    // MARK: Direct

    @Test("direct: the input object in, the result object out")
    func direct() throws {
        let (answer, status) = try Self.invoke(["amount": 1999, "description": "tea"])
        #expect(status == 0)
        #expect(answer == ["input": ["amount": 1999, "description": "tea"]])
    }

    @Test("direct: a failure prints {\"error\": {code, message, retryable, ...}} with the exit status")
    func directError() throws {
        let (answer, status) = try Self.invoke(["fail": true])
        #expect(status == 65)
        #expect(Self.keys(answer) == ["error"])
        #expect(answer["error"]?["code"] == "INVALID_FIELD")
        #expect(answer["error"]?["field"] == "amount")
        #expect(answer["error"]?["retryable"] == false)
        #expect(answer["error"]?["message"]?.stringValue?.isEmpty == false)
    }

    // MARK: Plain HTTP

    @Test("plain HTTP: statusCode/headers/body, case-insensitive headers, extras next to statusCode")
    func plainHTTP() throws {
        let (answer, status) = try Self.invoke([
            "headers": ["x-TRACE-id": "t-1", "Content-Type": "application/json"],
            "body": #"{"amount":1}"#, "isBase64Encoded": false,
        ])
        #expect(status == 0)
        #expect(Self.keys(answer) == Self.httpKeys.union(["event"]))
        #expect(answer["statusCode"] == 200)
        #expect(answer["headers"]?["content-type"] == "application/json")
        #expect(try Self.body(answer) == ["input": ["amount": 1], "trace": "t-1"])
        #expect(answer["event"] == ["echoed": true])
    }

    @Test("plain HTTP: a handler failure is the error object in the body with the error's HTTP status")
    func plainHTTPError() throws {
        let (answer, status) = try Self.invoke(["headers": [:], "body": #"{"fail":true}"#, "isBase64Encoded": false])
        #expect(status == 65)
        #expect(Self.keys(answer) == Self.httpKeys)
        #expect(answer["statusCode"] == 400)
        #expect(try Self.body(answer)["error"]?["code"] == "INVALID_FIELD")
    }

    @Test("plain HTTP: a body that is not JSON is 400 NOT_JSON, exit 65")
    func plainHTTPNotJSON() throws {
        let (answer, status) = try Self.invoke(["headers": [:], "body": "amount=1", "isBase64Encoded": false])
        #expect(status == 65)
        #expect(answer["statusCode"] == 400)
        #expect(try Self.body(answer)["error"]?["code"] == "NOT_JSON")
    }

    // MARK: API Gateway and function URLs

    @Test("API Gateway REST (payload 1.0): multiValueHeaders, base64 body; the answer holds exactly the HTTP keys")
    func apiGatewayV1() throws {
        let (answer, status) = try Self.invoke([
            "resource": "/pay", "path": "/pay", "httpMethod": "POST",
            "headers": nil,
            "multiValueHeaders": ["X-Trace-Id": ["t-2", "t-3"], "Content-Type": ["application/json"]],
            "queryStringParameters": nil, "pathParameters": nil, "stageVariables": nil,
            "requestContext": ["resourcePath": "/pay", "httpMethod": "POST", "stage": "prod", "requestId": "r-1"],
            "body": .string(Base64.encode(Array(#"{"amount":2,"accepted":true}"#.utf8))), "isBase64Encoded": true,
        ])
        #expect(status == 0)
        #expect(Self.keys(answer) == Self.httpKeys)
        #expect(answer["statusCode"] == 202)
        #expect(try Self.body(answer) == ["input": ["amount": 2, "accepted": true], "trace": "t-2", "method": "POST"])
    }

    @Test("API Gateway HTTP API (payload 2.0): the answer holds exactly the HTTP keys")
    func apiGatewayV2() throws {
        let (answer, status) = try Self.invoke([
            "version": "2.0", "routeKey": "POST /pay", "rawPath": "/pay", "rawQueryString": "",
            "headers": ["x-trace-id": "t-4", "content-type": "application/json"],
            "requestContext": ["http": ["method": "POST", "path": "/pay"], "requestId": "r-2", "stage": "$default"],
            "body": #"{"amount":3}"#, "isBase64Encoded": false,
        ])
        #expect(status == 0)
        #expect(Self.keys(answer) == Self.httpKeys)
        #expect(answer["statusCode"] == 200)
        #expect(try Self.body(answer) == ["input": ["amount": 3], "trace": "t-4", "method": "POST"])
    }

    @Test("Lambda function URL: the answer holds exactly the HTTP keys, errors too")
    func functionURL() throws {
        func event(_ body: String) -> JSONValue {
            [
                "version": "2.0", "routeKey": "$default", "rawPath": "/", "rawQueryString": "",
                "headers": ["x-trace-id": "t-5", "host": "abc.lambda-url.ap-east-1.on.aws"],
                "requestContext": [
                    "domainName": "abc.lambda-url.ap-east-1.on.aws", "domainPrefix": "abc",
                    "http": ["method": "POST", "path": "/", "protocol": "HTTP/1.1", "sourceIp": "203.0.113.7"],
                    "requestId": "r-3", "routeKey": "$default", "stage": "$default",
                ],
                "body": .string(Base64.encode(Array(body.utf8))), "isBase64Encoded": true,
            ]
        }
        let ok = try Self.invoke(event(#"{"amount":4}"#))
        #expect(ok.status == 0)
        #expect(Self.keys(ok.answer) == Self.httpKeys)
        #expect(try Self.body(ok.answer) == ["input": ["amount": 4], "trace": "t-5", "method": "POST"])

        let failed = try Self.invoke(event(#"{"fail":true}"#))
        #expect(failed.status == 65)
        #expect(Self.keys(failed.answer) == Self.httpKeys)
        #expect(failed.answer["statusCode"] == 400)
        #expect(try Self.body(failed.answer)["error"]?["field"] == "amount")
    }

    @Test("behind API Gateway a body that is not valid base64 still gets an HTTP answer (400)")
    func gatewayBadBase64() throws {
        let (answer, status) = try Self.invoke([
            "version": "2.0", "rawPath": "/pay", "headers": [:],
            "requestContext": ["http": ["method": "POST"]],
            "body": "%%% not base64 %%%", "isBase64Encoded": true,
        ])
        #expect(status == 65)
        #expect(Self.keys(answer) == Self.httpKeys, "API Gateway cannot relay a bare error object")
        #expect(answer["statusCode"] == 400)
    }

    // MARK: OpenAI tool calls

    @Test("tool call: arguments as a JSON string; the answer is the tool message for the call id")
    func toolCall() throws {
        let (answer, status) = try Self.invoke([
            "id": "call_abc", "type": "function",
            "function": ["name": "echo_tool", "arguments": #"{"amount":5}"#],
        ])
        #expect(status == 0)
        #expect(Self.keys(answer) == ["role", "tool_call_id", "content"])
        #expect(answer["role"] == "tool")
        #expect(answer["tool_call_id"] == "call_abc")
        let content = try #require(answer["content"]?.stringValue)
        #expect(try JSONCoding.value(from: Array(content.utf8)) == ["input": ["amount": 5]])
    }

    @Test("tool call: arguments as an object are accepted too; a failure is the content of the tool message")
    func toolCallErrorContent() throws {
        let (answer, status) = try Self.invoke([
            "id": "call_def", "type": "function", "function": ["name": "echo_tool", "arguments": ["fail": true]],
        ])
        #expect(status == 65)
        #expect(answer["tool_call_id"] == "call_def")
        let content = try #require(answer["content"]?.stringValue)
        #expect(try JSONCoding.value(from: Array(content.utf8))["error"]?["code"] == "INVALID_FIELD")
    }

    @Test("tool call: a tool this executable does not serve is UNKNOWN_TOOL, exit 65, answered as a tool message")
    func unknownTool() throws {
        let (answer, status) = try Self.invoke([
            "id": "call_x", "type": "function", "function": ["name": "refund_payment", "arguments": "{}"],
        ])
        #expect(status == 65)
        let error = try Self.toolError(answer, callID: "call_x")
        #expect(error["code"] == "UNKNOWN_TOOL")
        #expect(error["message"]?.stringValue?.contains("echo_tool") == true)
    }

    @Test("tool call: arguments that are not a JSON object are a bad event, answered as a tool message")
    func toolCallBadArguments() throws {
        for arguments: JSONValue in ["{not json", "[1,2]", 7] {
            let (answer, status) = try Self.invoke([
                "id": "call_y", "type": "function", "function": ["name": "echo_tool", "arguments": arguments],
            ])
            #expect(status == 65, "\(arguments)")
            let error = try Self.toolError(answer, callID: "call_y")
            #expect(["NOT_JSON", "BAD_EVENT"].contains(error["code"]?.stringValue ?? ""), "\(arguments)")
        }
    }

    /// The error object inside a tool message (docs/envelopes.md: content is the JSON of the result *or error*, so a
    /// chat loop can append it as is).
    static func toolError(_ answer: JSONValue, callID: String, sourceLocation: SourceLocation = #_sourceLocation)
        throws -> JSONValue
    {
        #expect(answer["role"] == "tool", "a tool call must be answered with a tool message: \(answer)",
                sourceLocation: sourceLocation)
        #expect(answer["tool_call_id"] == .string(callID), sourceLocation: sourceLocation)
        guard let content = answer["content"]?.stringValue,
              let error = try JSONCoding.value(from: Array(content.utf8))["error"]
        else {
            // Fall back to the direct shape so the code is still checked.
            return answer["error"] ?? .null
        }
        return error
    }

    // MARK: Bad events

    @Test("not JSON: NOT_JSON, exit 65")
    func notJSON() {
        for text in ["", "hello", "{\"a\":", "\u{0}"] {
            let (answer, status) = Self.invoke(bytes: Array(text.utf8))
            #expect(status == 65, "\(text)")
            #expect(answer["error"]?["code"] == "NOT_JSON", "\(text)")
            #expect(answer["error"]?["retryable"] == false)
        }
    }

    @Test("JSON that is not an object: BAD_EVENT, exit 65")
    func notObject() {
        for text in ["[1,2]", "\"text\"", "42", "null"] {
            let (answer, status) = Self.invoke(bytes: Array(text.utf8))
            #expect(status == 65, "\(text)")
            #expect(answer["error"]?["code"] == "BAD_EVENT", "\(text)")
        }
    }

    @Test("an event over the size limit: EVENT_TOO_LARGE, exit 65, before it is parsed")
    func tooLarge() {
        var bytes = Array(#"{"pad":""#.utf8)
        bytes += [UInt8](repeating: 0x61, count: FunctionRunner.maxEventBytes)
        bytes += Array(#""}"#.utf8)
        let (answer, status) = Self.invoke(bytes: bytes)
        #expect(status == 65)
        #expect(answer["error"]?["code"] == "EVENT_TOO_LARGE")
    }

    // MARK: Decoding into types

    struct Input: Decodable {
        var amount: Int64
        var description: String
    }

    @Test("decode(_:) names the missing or mistyped field as INVALID_FIELD")
    func decodeNamesField() throws {
        func decode(_ input: JSONValue) throws -> WxPayError? {
            let request = try FunctionRequest.parse(try JSONCoding.encode(input), tools: [])
            do {
                _ = try request.decode(Input.self)
                return nil
            } catch { return error }
        }
        #expect(try decode(["amount": 1, "description": "tea"]) == nil)
        let missing = try decode(["amount": 1])
        #expect(missing?.code == "INVALID_FIELD" && missing?.details["field"] == "description")
        let mistyped = try decode(["amount": "one", "description": "tea"])
        #expect(mistyped?.code == "INVALID_FIELD" && mistyped?.details["field"] == "amount")
        #expect(mistyped?.exitStatus == 65)
    }
}
