import FunctionKit
import Foundation
import KitCore
import Logging
import Testing
import WxPayCore
import WxPayHTTP
import WxPayTestSupport

/// Bounded memory on untrusted input outside risk-batch: the HTTP client's answer limits, JSON nesting depth.
@Suite("Input limits: HTTP answers, JSON depth", .serialized)
struct InputLimitTests {
    static let mib = 1 << 20

    @Test("An answer body of 10 MiB is refused at the 4 MiB default: answerTooLarge, the transfer aborted")
    func bodyOverDefault() throws {
        let server = try RecordingHTTPServer(body: [UInt8](repeating: 0x7B, count: 10 * Self.mib))
        defer { server.stop() }
        let request = HTTPRequest(method: "GET", url: server.url(path: "/big"))
        #expect(request.maxAnswerBytes == 4 * Self.mib)
        do {
            let response = try HTTPClient.send(request)
            Issue.record("a 10 MiB answer was accepted (\(response.body.count) bytes)")
        } catch {
            #expect(error.code == .answerTooLarge)
            #expect(error.message.contains("4194304"), "\(error)")
        }
        #expect(server.requests.count == 1, "the request reached the server")

        // A larger limit takes the whole answer.
        var roomy = request
        roomy.maxAnswerBytes = 16 * Self.mib
        let response = try HTTPClient.send(roomy)
        #expect(response.status == 200 && response.body.count == 10 * Self.mib)
    }

    @Test("The body limit is exact: a body of exactly the limit is accepted, one byte less is not")
    func bodyBoundary() throws {
        let server = try RecordingHTTPServer(body: Array("0123456789".utf8))
        defer { server.stop() }
        let exact = try HTTPClient.send(HTTPRequest(method: "GET", url: server.url(path: "/"), maxAnswerBytes: 10))
        #expect(exact.body == Array("0123456789".utf8))
        #expect(throws: HTTPError.self) {
            try HTTPClient.send(HTTPRequest(method: "GET", url: server.url(path: "/"), maxAnswerBytes: 9))
        }
        let empty = try RecordingHTTPServer(body: [])
        defer { empty.stop() }
        #expect(try HTTPClient.send(HTTPRequest(method: "POST", url: empty.url(path: "/"), maxAnswerBytes: 0)).status == 200)
    }

    @Test("Headers are capped in total (64 KiB default): 100 headers of 1 KiB abort the transfer")
    func headersOverDefault() throws {
        let value = String(repeating: "h", count: 1024)
        let server = try RecordingHTTPServer(headers: (0..<100).map { (name: "X-Filler-\($0)", value: value) })
        defer { server.stop() }
        do {
            _ = try HTTPClient.send(HTTPRequest(method: "GET", url: server.url(path: "/")))
            Issue.record("100 KiB of headers were accepted")
        } catch {
            #expect(error.code == .answerTooLarge)
            #expect(error.message.contains("headers"), "\(error)")
        }
        let response = try HTTPClient.send(HTTPRequest(method: "GET", url: server.url(path: "/"),
                                                       maxHeaderBytes: Self.mib))
        #expect(response.header("x-filler-99") == value)
    }

    // MARK: JSON depth

    static func nested(_ depth: Int) -> [UInt8] {
        Array(String(repeating: "[", count: depth).utf8) + Array(String(repeating: "]", count: depth).utf8)
    }

    @Test("JSONCoding refuses nesting deeper than 64 with its normal decoding error; 100,000 '[' do not crash")
    func jsonDepth() throws {
        #expect(JSONCoding.maxDepth == 64)
        #expect(try JSONCoding.value(from: Self.nested(64)).arrayValue != nil)
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: Self.nested(65)) }
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: Array(String(repeating: "[", count: 100_000).utf8)) }
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: Self.nested(100_000)) }
        let deepObject = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        #expect(throws: DecodingError.self) { try JSONCoding.value(from: Array(deepObject.utf8)) }
        // Brackets inside strings are not nesting.
        let inString = #"{"s":""# + String(repeating: "[", count: 1000) + #"\"["}"#
        #expect(try JSONCoding.value(from: Array(inString.utf8))["s"]?.stringValue?.count == 1002)
        #expect(throws: DecodingError.self) {
            try JSONCoding.decode([String: Int].self, from: Array(String(repeating: "[", count: 100_000).utf8))
        }
    }

    @Test("An event of 100,000 '[' (plain, or as an HTTP body) is NOT_JSON, exit 65, not a crash")
    func deepEvent() throws {
        let descriptor = FunctionDescriptor(name: "echo", summary: "Echoes.", discussion: "")
        let context = InvocationContext(environment: [:], deadline: .after(seconds: 60),
                                        logger: Logger(label: "limits") { _ in SwiftLogNoOpLogHandler() })
        let handler: FunctionHandler = { request, _ throws(WxPayError) in FunctionResult(body: try request.input()) }
        let deep = String(repeating: "[", count: 100_000)
        let plain = FunctionRunner.invoke(Array(deep.utf8), descriptor: descriptor, context: context, handler: handler)
        #expect(plain.exitStatus == 65)
        #expect(plain.answer["error"]?["code"] == "NOT_JSON")
        let http = try JSONCoding.encode(["httpMethod": "POST", "path": "/", "headers": [:], "body": .string(deep)] as JSONValue)
        let wrapped = FunctionRunner.invoke(http, descriptor: descriptor, context: context, handler: handler)
        #expect(wrapped.exitStatus == 65, "\(wrapped.answer)")
        // A legitimate API Gateway envelope around a tool call around attach data is far from the limit.
        let attach: JSONValue = ["order": ["items": [["sku": "a", "tags": ["x", ["y"]]]]]]
        let body = try JSONCoding.string(["attach": attach] as JSONValue)
        let gateway = try JSONCoding.encode(["version": "2.0", "routeKey": "POST /", "rawPath": "/",
                                             "requestContext": ["http": ["method": "POST", "path": "/"]],
                                             "headers": ["content-type": "application/json"],
                                             "body": .string(body)] as JSONValue)
        let ok = FunctionRunner.invoke(gateway, descriptor: descriptor, context: context, handler: handler)
        #expect(ok.exitStatus == 0, "\(ok.answer)")
    }
}
