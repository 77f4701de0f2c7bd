import FunctionKit
import KitCore
import Testing
import WxPayCore
import WxPayHTTP

/// Events as AWS sends them (shapes from the API Gateway and Lambda developer guides), fed through the public
/// `FunctionRequest.parse` / `FunctionRunner.invoke` path that the CLI and the Lambda loop share.
enum AWSEvents {
    /// API Gateway REST API, Lambda proxy integration (payload 1.0).
    static func restV1(body: String?, base64: Bool = false, method: String = "POST") -> String {
        let bodyJSON = body.map { "\"\($0)\"" } ?? "null"
        return """
            {
              "resource": "/wxpay/notify",
              "path": "/wxpay/notify",
              "httpMethod": "\(method)",
              "headers": {
                "Content-Type": "application/json",
                "Host": "abcdef1234.execute-api.ap-east-1.amazonaws.com",
                "Wechatpay-Serial": "PUB_KEY_ID_0119000001092025",
                "X-Forwarded-For": "203.0.113.7",
                "X-Amzn-Trace-Id": "Root=1-5e66d96f-7491f09xmpl79d18acf3d050"
              },
              "multiValueHeaders": {
                "Content-Type": ["application/json"],
                "Host": ["abcdef1234.execute-api.ap-east-1.amazonaws.com"],
                "Wechatpay-Serial": ["PUB_KEY_ID_0119000001092025"],
                "X-Forwarded-For": ["203.0.113.7"],
                "X-Amzn-Trace-Id": ["Root=1-5e66d96f-7491f09xmpl79d18acf3d050"],
                "Accept": ["application/json", "text/plain"]
              },
              "queryStringParameters": null,
              "multiValueQueryStringParameters": null,
              "pathParameters": null,
              "stageVariables": null,
              "requestContext": {
                "resourceId": "2gxmpl",
                "resourcePath": "/wxpay/notify",
                "httpMethod": "\(method)",
                "extendedRequestId": "JJbxmplHYosFVYQ=",
                "requestTime": "10/Mar/2026:00:03:59 +0000",
                "path": "/prod/wxpay/notify",
                "accountId": "123456789012",
                "protocol": "HTTP/1.1",
                "stage": "prod",
                "domainPrefix": "abcdef1234",
                "requestTimeEpoch": 1773101039000,
                "requestId": "77375676-xmpl-4b79-853a-f982474efe18",
                "identity": {"sourceIp": "203.0.113.7", "userAgent": "Mozilla/4.0"},
                "domainName": "abcdef1234.execute-api.ap-east-1.amazonaws.com",
                "apiId": "abcdef1234"
              },
              "body": \(bodyJSON),
              "isBase64Encoded": \(base64)
            }
            """
    }

    /// API Gateway HTTP API (payload 2.0). Cookies arrive in `cookies`, duplicate headers comma-joined.
    static func httpV2(body: String?, base64: Bool = false) -> String {
        let bodyField = body.map { "\"body\": \"\($0)\"," } ?? ""
        return """
            {
              "version": "2.0",
              "routeKey": "POST /intents",
              "rawPath": "/intents",
              "rawQueryString": "dry=1",
              "cookies": ["session=abc123", "theme=dark"],
              "headers": {
                "accept": "application/json,text/plain",
                "content-type": "application/json",
                "host": "r3pmxmplak.execute-api.ap-east-1.amazonaws.com",
                "x-amzn-trace-id": "Root=1-5e6722a7-cc56xmpl46db7ae02d4da47e",
                "x-forwarded-for": "203.0.113.7"
              },
              "queryStringParameters": {"dry": "1"},
              "requestContext": {
                "accountId": "123456789012",
                "apiId": "r3pmxmplak",
                "domainName": "r3pmxmplak.execute-api.ap-east-1.amazonaws.com",
                "domainPrefix": "r3pmxmplak",
                "http": {
                  "method": "POST",
                  "path": "/intents",
                  "protocol": "HTTP/1.1",
                  "sourceIp": "203.0.113.7",
                  "userAgent": "agent/1.0"
                },
                "requestId": "JKJaXmPLvHcESHA=",
                "routeKey": "POST /intents",
                "stage": "$default",
                "time": "10/Mar/2026:05:16:23 +0000",
                "timeEpoch": 1773119783000
              },
              \(bodyField)
              "isBase64Encoded": \(base64)
            }
            """
    }

    /// A Lambda function URL request (payload 2.0 shape; `routeKey` and `stage` are `$default`).
    static func functionURL(body: String?, base64: Bool = false, method: String = "POST") -> String {
        let bodyField = body.map { "\"body\": \"\($0)\"," } ?? ""
        return """
            {
              "version": "2.0",
              "routeKey": "$default",
              "rawPath": "/",
              "rawQueryString": "",
              "headers": {
                "content-type": "application/json",
                "host": "abcdefg1234567.lambda-url.ap-east-1.on.aws",
                "x-amzn-tls-cipher-suite": "ECDHE-RSA-AES128-GCM-SHA256",
                "x-amzn-tls-version": "TLSv1.2",
                "x-forwarded-proto": "https",
                "Wechatpay-Timestamp": "1773119783"
              },
              "requestContext": {
                "accountId": "anonymous",
                "apiId": "abcdefg1234567",
                "domainName": "abcdefg1234567.lambda-url.ap-east-1.on.aws",
                "domainPrefix": "abcdefg1234567",
                "http": {
                  "method": "\(method)",
                  "path": "/",
                  "protocol": "HTTP/1.1",
                  "sourceIp": "203.0.113.7",
                  "userAgent": "agent/1.0"
                },
                "requestId": "c6af9ac6-7b61-11e6-9a41-93e8deadbeef",
                "routeKey": "$default",
                "stage": "$default",
                "time": "12/Mar/2026:19:03:58 +0000",
                "timeEpoch": 1773342238000
              },
              \(bodyField)
              "isBase64Encoded": \(base64)
            }
            """
    }
}

/// A handler that reports what it received: method, a header, the body bytes.
let echoRequest: FunctionHandler = { request, _ throws(WxPayError) in
    FunctionResult(body: [
        "method": request.method.map(JSONValue.string) ?? .null,
        "serial": request.header("WECHATPAY-SERIAL").map(JSONValue.string) ?? .null,
        "accept": request.header("accept").map(JSONValue.string) ?? .null,
        "body": .string(String(decoding: request.body, as: UTF8.self)),
        "body_bytes": .int(Int64(request.body.count)),
    ], extras: ["event": ["note": "plain envelopes only"]])
}

func invoke(_ event: String, handler: @escaping FunctionHandler = echoRequest) -> (JSONValue, Int32) {
    FunctionRunner.invoke(Array(event.utf8), descriptor: testDescriptor,
                          context: InvocationContext(environment: [:], deadline: .after(seconds: 5), logger: quietLogger),
                          handler: handler)
}

func bodyObject(_ answer: JSONValue) throws -> JSONValue {
    try JSONCoding.value(from: Array(try #require(answer["body"]?.stringValue).utf8))
}

@Suite("HTTP envelopes exactly as API Gateway REST (1.0), HTTP API (2.0) and function URLs send them")
struct EnvelopeShapesTests {
    static let notification = #"{\"id\":\"EV-2018022511223320873\",\"event_type\":\"TRANSACTION.SUCCESS\"}"#
    static let notificationText = #"{"id":"EV-2018022511223320873","event_type":"TRANSACTION.SUCCESS"}"#

    @Test("REST 1.0: method from httpMethod, headers case-insensitive, body as sent")
    func restV1() throws {
        let request = try FunctionRequest.parse(Array(AWSEvents.restV1(body: Self.notification).utf8), tools: [])
        #expect(request.envelope == .http(gateway: true))
        #expect(request.method == "POST")
        #expect(request.header("wechatpay-serial") == "PUB_KEY_ID_0119000001092025")
        #expect(request.header("Content-Type") == "application/json")
        #expect(request.body == Array(Self.notificationText.utf8))
    }

    @Test("REST 1.0: a header only in multiValueHeaders is found (its first value)")
    func restV1MultiValueOnly() throws {
        let request = try FunctionRequest.parse(Array(AWSEvents.restV1(body: Self.notification).utf8), tools: [])
        #expect(request.header("accept") == "application/json")
    }

    @Test("REST 1.0: a base64 body is decoded to the exact bytes (signatures are checked over these)")
    func restV1Base64() throws {
        let bytes: [UInt8] = Array(Self.notificationText.utf8) + [0x0A]
        let event = AWSEvents.restV1(body: Base64.encode(bytes), base64: true)
        let request = try FunctionRequest.parse(Array(event.utf8), tools: [])
        #expect(request.body == bytes)
    }

    @Test("REST 1.0: a GET with a null body parses, with an empty body")
    func restV1NullBody() throws {
        let request = try FunctionRequest.parse(Array(AWSEvents.restV1(body: nil, method: "GET").utf8), tools: [])
        #expect(request.method == "GET")
        #expect(request.body.isEmpty)
    }

    @Test("HTTP API 2.0: method from requestContext.http, lower-case headers, base64 body")
    func httpV2() throws {
        let input = #"{"amount":1999}"#
        let event = AWSEvents.httpV2(body: Base64.encode(Array(input.utf8)), base64: true)
        let request = try FunctionRequest.parse(Array(event.utf8), tools: [])
        #expect(request.envelope == .http(gateway: true))
        #expect(request.method == "POST")
        #expect(request.header("Accept") == "application/json,text/plain", "2.0 joins duplicate headers with commas")
        #expect(request.body == Array(input.utf8))
        #expect(try request.input() == ["amount": 1999])
    }

    @Test("function URL: a 2.0 event with $default route; mixed-case header names still match")
    func functionURL() throws {
        let request = try FunctionRequest.parse(Array(AWSEvents.functionURL(body: Self.notification).utf8), tools: [])
        #expect(request.envelope == .http(gateway: true))
        #expect(request.method == "POST")
        #expect(request.header("wechatpay-timestamp") == "1773119783")
        #expect(request.body == Array(Self.notificationText.utf8))
    }

    @Test("a body flagged base64 that is not base64 is a bad event (exit 65), not a crash")
    func badBase64() {
        let (answer, status) = invoke(AWSEvents.httpV2(body: "%%%not-base64%%%", base64: true))
        #expect(status == ExitStatus.dataError)
        // Behind a gateway even a bad event is answered as HTTP: a bare error object would be a 502 (1.0) or a 200 (2.0).
        #expect(answer["statusCode"] == 400)
    }

    @Test("gateway answers hold exactly statusCode, headers and body — no extras (a 502 risk)",
          arguments: [AWSEvents.restV1(body: notification), AWSEvents.httpV2(body: notification),
                      AWSEvents.functionURL(body: notification)])
    func gatewayAnswerKeys(_ event: String) throws {
        let (answer, status) = invoke(event)
        #expect(status == 0)
        #expect(Set(answer.objectValue?.keys.map { $0 } ?? []) == ["statusCode", "headers", "body"])
        #expect(answer["statusCode"] == 200)
        #expect(answer["headers"]?["content-type"] == "application/json")
        #expect(try bodyObject(answer)["body"]?.stringValue == Self.notificationText, "body is a JSON *string*")
    }

    @Test("gateway error answers carry the HTTP status and the error object in the body string")
    func gatewayErrorAnswer() throws {
        let failing: FunctionHandler = { _, _ throws(WxPayError) in throw .authentication("SIGNATURE_INVALID", "bad") }
        let (answer, status) = invoke(AWSEvents.restV1(body: Self.notification), handler: failing)
        #expect(status == ExitStatus.noPermission)
        #expect(answer["statusCode"] == 401)
        #expect(Set(answer.objectValue?.keys.map { $0 } ?? []) == ["statusCode", "headers", "body"])
        #expect(try bodyObject(answer)["error"]?["code"] == "SIGNATURE_INVALID")
    }

    @Test("a plain HTTP envelope (no requestContext) also carries the extras, e.g. the webhook's event")
    func plainEnvelopeExtras() throws {
        let plain = #"{"httpMethod":"POST","path":"/","headers":{"Wechatpay-Serial":"S"},"body":"{}","isBase64Encoded":false}"#
        let request = try FunctionRequest.parse(Array(plain.utf8), tools: [])
        #expect(request.envelope == .http(gateway: false))
        let (answer, _) = invoke(plain)
        #expect(answer["event"] == ["note": "plain envelopes only"])
        #expect(answer["statusCode"] == 200)
    }
}
