import FoundationEssentials
import KitCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An HTTP request as the front received it.
struct IncomingRequest {
    var method: String
    /// The request target's path, without the query.
    var path: String
    /// The query string without `?` (empty when none).
    var query: String
    /// Header fields in arrival order, names as sent.
    var headers: [(name: String, value: String)]
    var body: [UInt8]
}

/// An HTTP response the front sends.
struct OutgoingResponse {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    /// A JSON error in the contract's shape: `{"error": {"code", "message", "retryable"}}`.
    static func error(_ status: Int, code: String, message: String, retryable: Bool = false) -> OutgoingResponse {
        struct Body: Encodable {
            struct Inner: Encodable { var code: String; var message: String; var retryable: Bool }
            var error: Inner
        }
        let body = (try? JSONEncoder().encode(Body(error: .init(code: code, message: message, retryable: retryable))))
            .map { Array($0) } ?? []
        return OutgoingResponse(status: status, headers: [("Content-Type", "application/json")], body: body)
    }
}

/// The plain HTTP envelope a function reads on stdin (docs/envelopes.md): `{"httpMethod","path","headers","body",
/// "isBase64Encoded"}`, plus `queryStringParameters` when the URL has a query.
struct PlainHTTPEnvelope: Encodable {
    var httpMethod: String
    var path: String
    var headers: [String: String]
    var queryStringParameters: [String: String]?
    var body: String
    var isBase64Encoded: Bool

    init(_ request: IncomingRequest) {
        httpMethod = request.method
        path = request.path
        var joined: [String: String] = [:]
        var order: [String: String] = [:]  // lower-cased name → first spelling seen
        for (name, value) in request.headers {
            let key = order[name.lowercased()] ?? name
            order[name.lowercased()] = key
            joined[key] = joined[key].map { "\($0),\(value)" } ?? value  // RFC 9110 §5.3 field combination
        }
        headers = joined
        queryStringParameters = request.query.isEmpty ? nil : PlainHTTPEnvelope.parseQuery(request.query)
        if let text = String(validating: request.body, as: UTF8.self) {
            body = text
            isBase64Encoded = false
        } else {
            body = Data(request.body).base64EncodedString()
            isBase64Encoded = true
        }
    }

    func encoded() -> [UInt8] { (try? JSONEncoder().encode(self)).map { Array($0) } ?? [] }

    static func parseQuery(_ query: String) -> [String: String] {
        var result: [String: String] = [:]
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = percentDecode(parts[0])
            result[name] = parts.count > 1 ? percentDecode(parts[1]) : ""
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var i = text.utf8.startIndex
        let utf8 = text.utf8
        while i < utf8.endIndex {
            let c = utf8[i]
            if c == UInt8(ascii: "%"), let h = utf8.index(i, offsetBy: 2, limitedBy: utf8.endIndex), h < utf8.endIndex,
                let v = UInt8(String(decoding: utf8[utf8.index(after: i)...h], as: UTF8.self), radix: 16)
            {
                bytes.append(v)
                i = utf8.index(after: h)
            } else {
                bytes.append(c == UInt8(ascii: "+") ? UInt8(ascii: " ") : c)
                i = utf8.index(after: i)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// The HTTP part of a function's answer. Extra keys (the webhook's `event`, ...) are ignored.
struct FunctionAnswer: Decodable {
    var statusCode: Int?
    var headers: [String: String]?
    var multiValueHeaders: [String: [String]]?
    var cookies: [String]?
    var body: String?
    var isBase64Encoded: Bool?

    private enum CodingKeys: String, CodingKey {
        case statusCode, headers, multiValueHeaders, cookies, body, isBase64Encoded
    }

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        statusCode = try c.decodeIfPresent(Int.self, forKey: .statusCode)
        // Lenient where a stray value must not cost the whole answer.
        headers = try? c.decodeIfPresent([String: String].self, forKey: .headers)
        multiValueHeaders = try? c.decodeIfPresent([String: [String]].self, forKey: .multiValueHeaders)
        cookies = try? c.decodeIfPresent([String].self, forKey: .cookies)
        body = try c.decodeIfPresent(String.self, forKey: .body)
        isBase64Encoded = try? c.decodeIfPresent(Bool.self, forKey: .isBase64Encoded)
    }

    /// Headers the front sets itself and never copies from a function.
    static let hopByHop: Set<String> = ["content-length", "connection", "transfer-encoding", "keep-alive", "upgrade"]

    /// Maps a finished run to the HTTP response.
    static func response(status exit: Int32, stdout: [UInt8]) -> OutgoingResponse {
        // Foundation's decoder recurses once per nesting level (up to 512): refuse deep output before decoding.
        guard JSONDepth.isWithin(JSONCoding.maxDepth, stdout) else {
            return .error(502, code: "FUNCTION_FAILED", message: "the function's output nests JSON too deeply")
        }
        guard let answer = try? JSONDecoder().decode(FunctionAnswer.self, from: Data(stdout)),
            let statusCode = answer.statusCode
        else {
            // A JSON answer without statusCode is a 200 application/json with the raw output (as API Gateway 2.0
            // and function URLs treat it) — but only from a run that succeeded.
            if exit == 0, (try? JSONDecoder().decode(AnyJSON.self, from: Data(stdout))) != nil {
                return OutgoingResponse(status: 200, headers: [("Content-Type", "application/json")],
                                        body: trimmed(stdout))
            }
            return .error(502, code: "FUNCTION_FAILED",
                          message: "the function exited \(exit) without an HTTP answer on stdout", retryable: true)
        }
        guard (100...599).contains(statusCode) else {
            return .error(502, code: "FUNCTION_FAILED", message: "the function answered statusCode \(statusCode)")
        }
        var headers: [(name: String, value: String)] = []
        var seen = Set<String>()
        for (name, values) in (answer.multiValueHeaders ?? [:]).sorted(by: { $0.key < $1.key })
        where !hopByHop.contains(name.lowercased()) {
            seen.insert(name.lowercased())
            for value in values { headers.append((name, value)) }
        }
        for (name, value) in (answer.headers ?? [:]).sorted(by: { $0.key < $1.key })
        where !hopByHop.contains(name.lowercased()) && !seen.contains(name.lowercased()) {
            headers.append((name, value))
        }
        for cookie in answer.cookies ?? [] { headers.append(("Set-Cookie", cookie)) }
        var body: [UInt8] = Array((answer.body ?? "").utf8)
        if answer.isBase64Encoded == true {
            guard let decoded = Base64Text.decode(answer.body ?? "") else {
                return .error(502, code: "FUNCTION_FAILED", message: "the function's base64 body does not decode")
            }
            body = decoded
        }
        return OutgoingResponse(status: statusCode, headers: headers, body: body)
    }

    static func trimmed(_ bytes: [UInt8]) -> [UInt8] {
        var b = bytes[...]
        while let last = b.last, last == 0x0A || last == 0x0D { b = b.dropLast() }
        return Array(b)
    }
}

/// Any JSON value (only to check that output parses).
struct AnyJSON: Decodable {
    init(from decoder: any Decoder) throws {
        if var a = try? decoder.unkeyedContainer() {
            while !a.isAtEnd { _ = try a.decode(AnyJSON.self) }
            return
        }
        if let o = try? decoder.container(keyedBy: AnyKey.self) {
            for k in o.allKeys { _ = try o.decode(AnyJSON.self, forKey: k) }
            return
        }
        let s = try decoder.singleValueContainer()
        if s.decodeNil() { return }
        if (try? s.decode(Bool.self)) != nil { return }
        if (try? s.decode(Double.self)) != nil { return }
        _ = try s.decode(String.self)
    }

    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

/// One request through the function: envelope in, HTTP response out.
struct Exchange {
    let function: FunctionProcess
    let timeout: Double

    func handle(_ request: IncomingRequest) -> OutgoingResponse {
        let envelope = PlainHTTPEnvelope(request).encoded()
        switch function.run(input: envelope, timeout: timeout) {
        case .finished(let status, let stdout):
            return FunctionAnswer.response(status: status, stdout: stdout)
        case .timedOut:
            return .error(504, code: "TIMED_OUT", message: "the function did not answer within \(timeout) s",
                          retryable: true)
        case .spawnFailed(let code):
            return .error(502, code: "FUNCTION_UNAVAILABLE",
                          message: "cannot start \(function.path): \(String(cString: strerror(code)))", retryable: true)
        case .outputTooLarge:
            return .error(502, code: "FUNCTION_FAILED", message: "the function's answer exceeds 8 MiB")
        }
    }
}
